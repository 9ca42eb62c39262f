import {
  Entity,
  EntityRelation,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

// eslint-disable-next-line no-restricted-syntax
const REPO = path.resolve(__dirname, '../../../..');

export const DEMO_SNAPSHOT = path.join(
  REPO,
  'examples/online-boutique/cluster',
);

// The relation pairs the catalog's processors derive from spec fields.
const PAIRS: [string, string, string][] = [
  ['dependsOn', 'dependsOn', 'dependencyOf'],
  ['providesApis', 'providesApi', 'apiProvidedBy'],
  ['consumesApis', 'consumesApi', 'apiConsumedBy'],
  ['system', 'partOf', 'hasPart'],
];

/**
 * The Online Boutique catalog (examples/online-boutique/catalog) with the relations the real
 * catalog would compute, for tests that use catalogServiceMock (which computes none).
 */
export function boutiqueEntities(): Entity[] {
  const dir = path.join(REPO, 'examples/online-boutique/catalog');
  const entities = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(
        d => d.toJS() as Entity,
      ),
    )
    .filter(e => e && e.kind !== 'Location')
    .map(e => ({
      ...e,
      metadata: { namespace: 'default', ...e.metadata },
      relations: [] as EntityRelation[],
    }));
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  for (const entity of entities) {
    for (const [field, forward, backward] of PAIRS) {
      const value = (entity.spec as Record<string, unknown> | undefined)?.[
        field
      ];
      const targets = [value].flat().filter(Boolean);
      for (const target of targets as string[]) {
        const targetRef = stringifyEntityRef(
          parseEntityRef(target, {
            defaultKind: field === 'system' ? 'system' : 'component',
            defaultNamespace: 'default',
          }),
        );
        entity.relations!.push({ type: forward, targetRef });
        byRef.get(targetRef)?.relations!.push({
          type: backward,
          targetRef: stringifyEntityRef(entity),
        });
      }
    }
  }
  return entities;
}
