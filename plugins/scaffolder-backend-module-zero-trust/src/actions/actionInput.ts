import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod';

type SchemaOption = NonNullable<
  NonNullable<Parameters<typeof createTemplateAction>[0]['schema']>['input']
>;
/** The zod the scaffolder hands to schema factories (its own copy, typed as such). */
type TemplateZod = Parameters<Extract<SchemaOption, (...args: any) => any>>[0];

/** An action's input schema in createTemplateAction's form: one zod factory per field. */
export type InputShape = Record<
  string,
  (zImpl: TemplateZod) => { _output: unknown }
>;

/**
 * Parses an action's input with its own schema. The scaffolder only checks input against the
 * JSON schema derived from it, which neither applies defaults nor runs refinements; parsing again
 * does both, and names every wrong field in one InputError.
 */
export function parseActionInput<S extends InputShape>(
  shape: S,
  input: unknown,
): { [K in keyof S]: ReturnType<S[K]>['_output'] } {
  // The same zod v3 API as the scaffolder's copy; only the type declarations differ.
  const zod = z as unknown as TemplateZod;
  const schema = z.object(
    Object.fromEntries(
      Object.entries(shape).map(([k, f]) => [k, f(zod) as z.ZodTypeAny]),
    ),
  );
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new InputError(
      `Invalid input: ${result.error.issues
        .map(i => `${i.path.join('.') || 'input'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data as { [K in keyof S]: ReturnType<S[K]>['_output'] };
}

/**
 * A field factory for a schema built with our own zod. createTemplateAction types factories with
 * the scaffolder's copy of zod: the same zod v3 at runtime (its JSON schema conversion reads either),
 * but two unrelated declarations to TypeScript. The field's value is typed `any`; parse it.
 */
export function ownSchema(schema: z.ZodTypeAny) {
  return (_zImpl: TemplateZod) =>
    schema as unknown as ReturnType<TemplateZod['any']>;
}
