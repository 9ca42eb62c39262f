import { IstioObject } from './objects';
import {
  effectivePeerAuthentication,
  requiresMtls,
} from './peerAuthentication';
import {
  disableMtls,
  financeStrictPort8080Disable,
  meshStrictDefault,
  namespaceStrict,
  strictAndDisablePort,
  workloadUnsetPorts,
} from './__fixtures__/upstream';

const ROOT = 'istio-system';
const pa = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  creationTimestamp?: string,
): IstioObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace, creationTimestamp },
  spec,
});
const sidecar = (labels: Record<string, string>, namespace = 'foo') => ({
  namespace,
  labels,
  dataplane: 'sidecar' as const,
});
const ambient = (labels: Record<string, string>, namespace = 'foo') => ({
  namespace,
  labels,
  dataplane: 'ambient' as const,
});

describe('effectivePeerAuthentication', () => {
  it('defaults to PERMISSIVE without any policy', () => {
    expect(effectivePeerAuthentication([], sidecar({}), ROOT)).toMatchObject({
      mode: 'PERMISSIVE',
      level: 'default',
    });
  });

  it('workload > namespace > mesh', () => {
    const mesh = pa('m', ROOT, { mtls: { mode: 'DISABLE' } });
    const ns = pa('n', 'foo', { mtls: { mode: 'PERMISSIVE' } });
    const wl = pa('w', 'foo', {
      selector: { matchLabels: { app: 'a' } },
      mtls: { mode: 'STRICT' },
    });
    const target = sidecar({ app: 'a' });
    expect(effectivePeerAuthentication([mesh], target, ROOT).mode).toBe(
      'DISABLE',
    );
    expect(effectivePeerAuthentication([mesh, ns], target, ROOT).mode).toBe(
      'PERMISSIVE',
    );
    expect(
      effectivePeerAuthentication([mesh, ns, wl], target, ROOT),
    ).toMatchObject({ mode: 'STRICT', level: 'workload', policy: wl });
  });

  it('UNSET inherits from the level above', () => {
    const e = effectivePeerAuthentication(
      [meshStrictDefault, pa('n', 'foo', { mtls: { mode: 'UNSET' } })],
      sidecar({}),
      ROOT,
    );
    expect(e).toMatchObject({ mode: 'STRICT', level: 'mesh' });
  });

  it('the oldest policy of a level wins', () => {
    const newer = pa(
      'a',
      'foo',
      { mtls: { mode: 'DISABLE' } },
      '2024-02-01T00:00:00Z',
    );
    const older = pa(
      'b',
      'foo',
      { mtls: { mode: 'STRICT' } },
      '2024-01-01T00:00:00Z',
    );
    expect(
      effectivePeerAuthentication([newer, older], sidecar({}), ROOT).policy,
    ).toBe(older);
  });

  describe('root namespace', () => {
    const rootSelector = pa('root-selector', ROOT, {
      selector: { matchLabels: { app: 'a' } },
      mtls: { mode: 'STRICT' },
    });

    it.each(['foo', ROOT])(
      'a selector policy in the root namespace is ignored (workload in %s)',
      namespace => {
        expect(
          effectivePeerAuthentication(
            [rootSelector],
            sidecar({ app: 'a' }, namespace),
            ROOT,
          ),
        ).toMatchObject({ mode: 'PERMISSIVE', level: 'default' });
      },
    );

    it('a policy without selector in the root namespace is mesh-wide', () => {
      expect(
        effectivePeerAuthentication(
          [meshStrictDefault],
          sidecar({}, 'bar'),
          ROOT,
        ),
      ).toMatchObject({ mode: 'STRICT', level: 'mesh' });
    });

    it('a namespace policy does not reach other namespaces', () => {
      expect(
        effectivePeerAuthentication([namespaceStrict], sidecar({}, 'bar'), ROOT)
          .mode,
      ).toBe('PERMISSIVE');
    });
  });

  describe('portLevelMtls', () => {
    it('applies from a workload policy and names the weak port', () => {
      const e = effectivePeerAuthentication(
        [financeStrictPort8080Disable],
        sidecar({ app: 'finance' }),
        ROOT,
      );
      expect(e.mode).toBe('STRICT');
      expect(e.ports).toEqual([{ port: 8080, mode: 'DISABLE' }]);
      expect(requiresMtls(e)).toBe(false);
    });

    it('is ignored without a selector', () => {
      const e = effectivePeerAuthentication(
        [
          pa('n', 'foo', {
            mtls: { mode: 'STRICT' },
            portLevelMtls: { 8080: { mode: 'DISABLE' } },
          }),
        ],
        sidecar({}),
        ROOT,
      );
      expect(e.ports).toEqual([]);
      expect(requiresMtls(e)).toBe(true);
    });

    it('UNSET workload mode inherits the mesh STRICT; ports override', () => {
      const e = effectivePeerAuthentication(
        [meshStrictDefault, workloadUnsetPorts],
        sidecar({ app: 'a' }),
        ROOT,
      );
      expect(e).toMatchObject({ mode: 'STRICT', level: 'mesh' });
      expect(e.ports).toEqual([{ port: 9090, mode: 'PERMISSIVE' }]);
    });
  });

  describe('ambient (ztunnel)', () => {
    it('honours STRICT', () => {
      expect(
        requiresMtls(
          effectivePeerAuthentication([namespaceStrict], ambient({}), ROOT),
        ),
      ).toBe(true);
    });

    it('treats DISABLE as PERMISSIVE', () => {
      const e = effectivePeerAuthentication([disableMtls], ambient({}), ROOT);
      expect(e.mode).toBe('PERMISSIVE');
      expect(e.notes.join()).toMatch(/does not support DISABLE/);
    });

    it('a DISABLE port under a STRICT workload policy accepts plain text on that port', () => {
      const e = effectivePeerAuthentication(
        [strictAndDisablePort],
        ambient({ app: 'a' }),
        ROOT,
      );
      expect(e.ports).toEqual([{ port: 9090, mode: 'PERMISSIVE' }]);
    });

    it('a DISABLE port alone under an inherited STRICT stays STRICT', () => {
      const unsetDisable = pa('w', 'foo', {
        selector: { matchLabels: { app: 'a' } },
        portLevelMtls: { 9090: { mode: 'DISABLE' } },
      });
      const e = effectivePeerAuthentication(
        [meshStrictDefault, unsetDisable],
        ambient({ app: 'a' }),
        ROOT,
      );
      expect(e.ports).toEqual([]);
      expect(requiresMtls(e)).toBe(true);
      // The same policy on a sidecar opens the port.
      expect(
        effectivePeerAuthentication(
          [meshStrictDefault, unsetDisable],
          sidecar({ app: 'a' }),
          ROOT,
        ).ports,
      ).toEqual([{ port: 9090, mode: 'DISABLE' }]);
    });

    it('PERMISSIVE ports under an inherited STRICT are honoured', () => {
      const e = effectivePeerAuthentication(
        [meshStrictDefault, workloadUnsetPorts],
        ambient({ app: 'a' }),
        ROOT,
      );
      expect(e.ports).toEqual([{ port: 9090, mode: 'PERMISSIVE' }]);
    });
  });
});
