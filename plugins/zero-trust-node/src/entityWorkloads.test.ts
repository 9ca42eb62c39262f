import { Entity } from '@backstage/catalog-model';
import { workloadQueryForEntity } from './entityWorkloads';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cartservice', annotations },
  spec: {},
});

describe('workloadQueryForEntity', () => {
  it('selects by kubernetes-id label like the kubernetes plugin', () => {
    const q = workloadQueryForEntity(
      entity({
        'backstage.io/kubernetes-id': 'cartservice',
        'backstage.io/kubernetes-namespace': 'online-boutique',
      }),
    )!;
    expect(q.namespace).toBe('online-boutique');
    expect(q.cluster).toBeUndefined();
    expect(
      q.selector.matches({ 'backstage.io/kubernetes-id': 'cartservice' }),
    ).toBe(true);
    expect(q.selector.matches({ app: 'cartservice' })).toBe(false);
  });

  it('prefers an explicit label selector', () => {
    const q = workloadQueryForEntity(
      entity({
        'backstage.io/kubernetes-id': 'cartservice',
        'backstage.io/kubernetes-label-selector': 'app=cartservice',
        'backstage.io/kubernetes-cluster': 'prod',
      }),
    )!;
    expect(q.selector.matches({ app: 'cartservice' })).toBe(true);
    expect(q.cluster).toBe('prod');
  });

  it('returns undefined for entities without kubernetes annotations', () => {
    expect(workloadQueryForEntity(entity({}))).toBeUndefined();
  });

  it('rejects a malformed selector annotation', () => {
    expect(() =>
      workloadQueryForEntity(
        entity({ 'backstage.io/kubernetes-label-selector': 'app in (' }),
      ),
    ).toThrow(/label selector/);
  });
});
