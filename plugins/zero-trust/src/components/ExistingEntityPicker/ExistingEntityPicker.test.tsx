import { Entity } from '@backstage/catalog-model';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ComponentProps } from 'react';
import {
  ExistingEntityPicker,
  existingEntityValidation,
} from './ExistingEntityPicker';

const entity = (kind: string, name: string, title?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
});

const catalog = [
  entity('Component', 'cartservice', 'Cart service'),
  entity('Component', 'frontend', 'Frontend'),
  entity('Resource', 'redis-cart', 'Redis cart store'),
];

function catalogApi() {
  return {
    getEntities: jest.fn(async () => ({ items: catalog })),
    getEntityByRef: jest.fn(async (ref: string) =>
      catalog.find(
        e => `${e.kind.toLocaleLowerCase()}:default/${e.metadata.name}` === ref,
      ),
    ),
  };
}

type Props = ComponentProps<typeof ExistingEntityPicker>;

async function renderPicker(props: Partial<Props>) {
  const api = catalogApi();
  const onChange = jest.fn();
  const all = {
    onChange,
    schema: { type: 'array', title: 'Dependencies' },
    uiSchema: {
      'ui:options': {
        catalogFilter: { kind: ['Component', 'Resource'] },
        defaultKind: 'Component',
      },
    },
    formData: [],
    idSchema: { $id: 'root_callees' },
    rawErrors: [],
    required: false,
    disabled: false,
    ...props,
  } as unknown as Props;
  await renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, api]]}>
      <ExistingEntityPicker {...all} />
    </TestApiProvider>,
  );
  return { api, onChange };
}

const optionsFor = async (typed: string) => {
  const input = screen.getByRole('textbox', { name: /Dependencies|System/ });
  fireEvent.change(input, { target: { value: typed } });
  const listbox = await screen.findByRole('listbox');
  return within(listbox)
    .getAllByRole('option')
    .map(o => o.textContent);
};

describe('ExistingEntityPicker', () => {
  it('asks the catalog for the filtered kinds, with only the fields it shows', async () => {
    const { api } = await renderPicker({});
    await waitFor(() => expect(api.getEntities).toHaveBeenCalled());
    expect(api.getEntities).toHaveBeenCalledWith({
      filter: { kind: ['Component', 'Resource'] },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
  });

  it('finds entities by name as well as by title', async () => {
    const { api } = await renderPicker({});
    await waitFor(() => expect(api.getEntities).toHaveBeenCalled());
    // By name: "cartservice" is nowhere in the title "Cart service".
    expect(await optionsFor('cartservice')).toEqual([
      'Cart service (cartservice)component:default/cartservice',
    ]);
    // By title, and a kind other than the default one keeps its kind in the label.
    expect(await optionsFor('cart store')).toEqual([
      'Redis cart store (resource:redis-cart)resource:default/redis-cart',
    ]);
    expect(await optionsFor('redis-cart')).toHaveLength(1);
  });

  it('adds the chosen entity as a full reference', async () => {
    const { api, onChange } = await renderPicker({
      formData: ['component:default/frontend'],
    });
    await waitFor(() => expect(api.getEntities).toHaveBeenCalled());
    expect(await optionsFor('cartservice')).toHaveLength(1);
    fireEvent.click(screen.getByRole('option'));
    expect(onChange).toHaveBeenLastCalledWith([
      'component:default/frontend',
      'component:default/cartservice',
    ]);
    // The value already chosen shows by its label.
    expect(screen.getByRole('button', { name: /^Frontend/ })).toBeVisible();
  });

  it('takes no free text unless arbitrary values are allowed', async () => {
    const { onChange } = await renderPicker({
      schema: { type: 'string', title: 'System' },
      formData: undefined,
      uiSchema: { 'ui:options': { defaultKind: 'System' } },
    } as Partial<Props>);
    const input = screen.getByRole('textbox', { name: 'System' });
    fireEvent.change(input, { target: { value: 'no-such-system' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.blur(input);
    expect(onChange).not.toHaveBeenCalledWith('system:default/no-such-system');
    expect(input).toHaveValue('');
  });
});

describe('existingEntityValidation', () => {
  const validate = async (value: string | string[], options: object = {}) => {
    const api = catalogApi();
    const errors: string[] = [];
    await existingEntityValidation(
      value,
      { addError: (e: string) => errors.push(e) } as any,
      {
        apiHolder: { get: () => api } as any,
        formData: {},
        schema: {},
        uiSchema: { 'ui:options': { defaultKind: 'Component', ...options } },
      },
    );
    return errors;
  };

  it('accepts entities of the catalog, with or without kind and namespace', async () => {
    expect(
      await validate(['component:default/cartservice', 'frontend']),
    ).toEqual([]);
  });

  it('refuses a reference the catalog does not have, in words', async () => {
    expect(await validate('component:default/ghost')).toEqual([
      'component:default/ghost is not in the catalog: pick an entity from the list.',
    ]);
    expect(await validate(['cartservice', 'ghost'])).toEqual([
      'ghost is not in the catalog: pick an entity from the list.',
    ]);
  });

  it('refuses what is not an entity reference at all', async () => {
    expect(await validate('component:default/')).toEqual([
      'component:default/ is not an entity reference such as component:default/cartservice.',
    ]);
  });

  it('takes references outside the catalog when arbitrary values are allowed', async () => {
    expect(
      await validate('component:default/ghost', { allowArbitraryValues: true }),
    ).toEqual([]);
  });
});
