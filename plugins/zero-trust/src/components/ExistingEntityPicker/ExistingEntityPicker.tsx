import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete, {
  createFilterOptions,
} from '@material-ui/lab/Autocomplete';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * The `ui:options` of the ExistingEntityPicker field.
 *
 * @public
 */
// A type, not an interface: the scaffolder's UIOptionsType needs an index-compatible shape.
export type ExistingEntityPickerUiOptions = {
  /** Catalog filter for the entities offered, e.g. `{ kind: [Component, Resource] }`. */
  catalogFilter?:
    | Record<string, string | string[]>
    | Record<string, string | string[]>[];
  /** Kind assumed for a reference written without one, and left out of the labels. */
  defaultKind?: string;
  /** Namespace assumed for a reference written without one. */
  defaultNamespace?: string;
  /** Accept typed references that are not in the catalog. Default false: only existing ones. */
  allowArbitraryValues?: boolean;
};

/** The value: one entity reference, or several when the parameter is an array. */
type Value = string | string[];

/** One entity on offer, found by its title, its name or its full reference. */
interface Option {
  ref: string;
  label: string;
  search: string;
}

const fields = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
];

function optionOf(entity: Entity, defaultKind?: string): Option {
  const ref = stringifyEntityRef(entity);
  const short = humanizeEntityRef(entity, { defaultKind });
  const title = entity.metadata.title;
  const label = title && title !== short ? `${title} (${short})` : short;
  return { ref, label, search: `${label} ${entity.metadata.name} ${ref}` };
}

// Matches anywhere in the title, the name or the reference, case-insensitively.
const filterOptions = createFilterOptions<Option>({ stringify: o => o.search });

/** A reference as the catalog writes it (`kind:namespace/name`), or undefined if it is none. */
function normalize(
  value: string,
  options: ExistingEntityPickerUiOptions | undefined,
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: options?.defaultKind,
        defaultNamespace: options?.defaultNamespace,
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Picks one catalog entity (a string parameter) or several (an array parameter) from the catalog,
 * searched by title and by name: upstream's EntityPicker and MultiEntityPicker search titles only,
 * so typing `cartservice` does not find "Cart service". Only entities that exist can be chosen
 * unless `allowArbitraryValues` is set, and the field's validation asks the catalog again on
 * Next, so a value from the URL or an entity deleted since cannot slip through.
 */
export function ExistingEntityPicker(
  props: FieldExtensionComponentProps<Value, ExistingEntityPickerUiOptions>,
) {
  const {
    onChange,
    schema,
    uiSchema,
    required,
    rawErrors,
    errors,
    formData,
    idSchema,
    disabled,
  } = props;
  const options = uiSchema?.['ui:options'];
  const multiple = schema.type === 'array';
  const arbitrary = options?.allowArbitraryValues ?? false;
  const catalogApi = useApi(catalogApiRef);
  const filter = options?.catalogFilter;
  const filterKey = JSON.stringify(filter ?? null);
  const { value: entities, loading } = useAsync(
    async () => (await catalogApi.getEntities({ filter, fields })).items,
    [catalogApi, filterKey],
  );
  const offered = useMemo(
    () =>
      (entities ?? [])
        .map(e => optionOf(e, options?.defaultKind))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [entities, options?.defaultKind],
  );
  const byRef = useMemo(() => new Map(offered.map(o => [o.ref, o])), [offered]);
  const toRef = (v: Option | string): string | undefined => {
    if (typeof v !== 'string') return v.ref;
    return arbitrary ? normalize(v, options) : undefined;
  };

  // Material UI v4 marks the combobox with aria-owns only; ARIA 1.2 also wants aria-controls
  // naming the open listbox (axe: aria-required-attr). Followed, not controlled, so the
  // Autocomplete still opens and filters as it does by itself.
  const [open, setOpen] = useState(false);
  const selected: Value | undefined = formData;
  // One stable value per formData and catalog: Material UI resets the typed text whenever the
  // value changes identity, so a fresh array on each render would clear the search.
  const value = useMemo(() => {
    // A value the catalog did not return (still loading, or typed) shows as its reference.
    const optionFor = (ref: string): Option =>
      byRef.get(ref) ?? { ref, label: ref, search: ref };
    if (multiple) {
      return ((selected as string[] | undefined) ?? []).map(optionFor);
    }
    return selected ? optionFor(selected as string) : null;
  }, [selected, byRef, multiple]);
  const label = schema.title ?? (multiple ? 'Entities' : 'Entity');
  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? schema.description}
      required={required}
      disabled={disabled}
      errors={errors}
    >
      <Autocomplete<Option, boolean, false, boolean>
        id={idSchema?.$id}
        onOpen={() => setOpen(true)}
        onClose={() => setOpen(false)}
        aria-controls={
          open && idSchema?.$id ? `${idSchema.$id}-popup` : undefined
        }
        multiple={multiple}
        freeSolo={arbitrary}
        disabled={disabled}
        loading={loading}
        options={offered}
        filterOptions={filterOptions}
        filterSelectedOptions
        getOptionLabel={o => (typeof o === 'string' ? o : o.label)}
        getOptionSelected={(o, v) => o.ref === v.ref}
        value={value}
        onChange={(_, chosen) => {
          if (Array.isArray(chosen)) {
            const refs = chosen
              .map(toRef)
              .filter((r): r is string => r !== undefined);
            onChange([...new Set(refs)]);
          } else {
            onChange((chosen === null ? undefined : toRef(chosen)) as Value);
          }
        }}
        renderOption={o => (
          <span>
            {o.label}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
              style={{ display: 'block' }}
            >
              {o.ref}
            </Typography>
          </span>
        )}
        renderInput={params => (
          <TextField
            {...params}
            label={label}
            margin="dense"
            variant="outlined"
            required={required}
            // An empty array satisfies the browser's `required`: leave that to the form.
            inputProps={{
              ...params.inputProps,
              required: required && (!multiple || !selected?.length),
            }}
          />
        )}
      />
    </ScaffolderField>
  );
}

/**
 * The field's validation on Next: each value is an entity reference and, unless
 * `allowArbitraryValues` is set, an entity of the catalog.
 */
export const existingEntityValidation: CustomFieldValidator<
  Value,
  ExistingEntityPickerUiOptions
> = async (value, validation, context) => {
  const options = context.uiSchema?.['ui:options'];
  const values = value === undefined ? [] : [value].flat();
  const catalogApi = context.apiHolder.get(catalogApiRef);
  for (const v of values) {
    const ref = normalize(v, options);
    if (!ref) {
      validation.addError(
        `${v} is not an entity reference such as component:default/cartservice.`,
      );
    } else if (!options?.allowArbitraryValues && catalogApi) {
      const entity = await catalogApi.getEntityByRef(ref);
      if (!entity) {
        validation.addError(
          `${v} is not in the catalog: pick an entity from the list.`,
        );
      }
    }
  }
};
