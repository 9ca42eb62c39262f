import {
  WATCHED_KINDS,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeConfig } from '@kubernetes/client-node';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterSource,
} from '../sources/LiveClusterSource';
import { CollectorRegistry } from './registry';

const SIGNATURE = {
  group: 'inventory.example.com',
  version: 'v1',
  plural: 'imagesignatures',
  kind: 'ImageSignature',
  namespaced: true,
  usedBy: 'signed-images',
};

describe('CollectorRegistry', () => {
  it('holds the built-in controls in their order, then added ones, and the kinds they read once each', () => {
    const registry = CollectorRegistry.withBuiltIns();
    const collect = () => ({
      status: 'pass' as const,
      summary: '',
      evidence: [],
    });
    registry.add({
      control: { id: 'signed-images', title: 'Signed images' },
      kinds: [SIGNATURE],
      collect,
    });
    registry.add({
      control: { id: 'signed-too' },
      kinds: [SIGNATURE, WATCHED_KINDS[0]],
      collect,
    });
    expect(registry.controls()).toEqual([
      ...ZERO_TRUST_CONTROLS.map(c => ({
        id: c.id,
        title: c.title,
        builtIn: true,
      })),
      { id: 'signed-images', title: 'Signed images', builtIn: false },
      { id: 'signed-too', title: 'signed-too', builtIn: false },
    ]);
    expect(registry.kinds()).toEqual([...WATCHED_KINDS, SIGNATURE]);
    // A live cluster watches them (not started here: every kind is still pending).
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const source = new LiveClusterSource('c', kc, {
      ...DEFAULT_LIVE_CLUSTER_OPTIONS,
      kinds: registry.kinds(),
    });
    expect(source.health().kinds!.map(k => k.kind)).toContain('ImageSignature');
    expect(source.kindStatus(SIGNATURE.group, SIGNATURE.kind).state).toBe(
      'pending',
    );
  });

  it.each([
    ['', /got ""/],
    ['Signed', /got "Signed"/],
    ['a_b', /got "a_b"/],
    ['-a', /got "-a"/],
    [undefined, /got undefined/],
  ])('refuses the control id %p', (id, message) => {
    expect(() =>
      CollectorRegistry.withBuiltIns().add({
        control: { id: id as string },
        collect: () => ({ status: 'pass', summary: '', evidence: [] }),
      }),
    ).toThrow(message);
  });

  it('calls collect on the collector, so a class instance keeps its this', () => {
    class Inventory {
      readonly control = { id: 'inventory' };
      private readonly verdict = 'pass' as const;
      collect() {
        return { status: this.verdict, summary: 'ok', evidence: [] };
      }
    }
    const registry = new CollectorRegistry();
    registry.add(new Inventory());
    const [result] = registry.run({
      workloads: [],
      settings: {} as any,
      now: new Date().toISOString(),
    });
    expect(result).toMatchObject({ control: 'inventory', status: 'pass' });
  });

  it('refuses a collector without collect()', () => {
    expect(() =>
      CollectorRegistry.withBuiltIns().add({ control: { id: 'x' } } as any),
    ).toThrow('Zero Trust: the collector of "x" has no collect()');
  });
});
