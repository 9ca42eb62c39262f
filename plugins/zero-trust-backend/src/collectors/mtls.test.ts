import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectMtls } from './mtls';

const ns = (name: string, labels: Record<string, string> = {}) =>
  obj('v1', 'Namespace', name, undefined, {}, { labels });

const peerAuth = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  created = '2026-01-01T00:00:00Z',
) =>
  obj(
    'security.istio.io/v1',
    'PeerAuthentication',
    name,
    namespace,
    { spec },
    {
      creationTimestamp: created,
    },
  );

const sidecar = {
  containers: [{ name: 'server' }, { name: 'istio-proxy', image: 'proxyv2' }],
};
const nativeSidecar = {
  containers: [{ name: 'server' }],
  initContainers: [
    { name: 'istio-init' },
    { name: 'istio-proxy', restartPolicy: 'Always' },
  ],
};
const meshStrict = peerAuth('default', 'istio-system', {
  mtls: { mode: 'STRICT' },
});

describe('collectMtls', () => {
  it('passes for a sidecar pod under a mesh-wide STRICT policy', () => {
    const result = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(result.status).toBe('pass');
    expect(result.details!.workloads).toEqual([
      expect.objectContaining({
        workload: 'Deployment/web',
        dataplane: 'sidecar',
        mode: 'STRICT',
        modeSource: {
          level: 'mesh',
          policy: {
            cluster: 'test',
            namespace: 'istio-system',
            name: 'default',
          },
        },
        portModes: [],
      }),
    ]);
    expect(result.evidence.map(e => `${e.kind}/${e.name}`)).toEqual([
      'PeerAuthentication/default',
      'Pod/web-abc-1',
    ]);
  });

  it('recognises a native sidecar (init container with restartPolicy Always)', () => {
    const result = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        ...deploymentChain('web', 'shop', nativeSidecar),
      ]),
    );
    expect(result.details!.workloads[0]).toMatchObject({
      dataplane: 'sidecar',
      enrolledBy: expect.stringContaining('native sidecar'),
    });
    expect(result.status).toBe('pass');
  });

  it('recognises ambient enrollment by namespace label and by pod label, and the pod opt-out', () => {
    const byNamespace = collectMtls(
      contextFor([
        ns('shop', { 'istio.io/dataplane-mode': 'ambient' }),
        meshStrict,
        ...deploymentChain('web', 'shop'),
      ]),
    );
    expect(byNamespace.details!.workloads[0]).toMatchObject({
      dataplane: 'ambient',
      enrolledBy: 'namespace label',
    });
    expect(byNamespace.status).toBe('pass');
    expect(byNamespace.evidence.map(e => e.kind)).toContain('Namespace');

    const byPod = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        ...deploymentChain(
          'web',
          'shop',
          {},
          { 'istio.io/dataplane-mode': 'ambient' },
        ),
      ]),
    );
    expect(byPod.details!.workloads[0]).toMatchObject({
      dataplane: 'ambient',
      enrolledBy: 'pod label',
    });

    const optedOut = collectMtls(
      contextFor([
        ns('shop', { 'istio.io/dataplane-mode': 'ambient' }),
        meshStrict,
        ...deploymentChain(
          'web',
          'shop',
          {},
          { 'istio.io/dataplane-mode': 'none' },
        ),
      ]),
    );
    expect(optedOut.status).toBe('fail');
    expect(optedOut.summary).toMatch(/outside the mesh/);
  });

  it('fails for pods outside the mesh', () => {
    const result = collectMtls(
      contextFor([ns('shop'), meshStrict, ...deploymentChain('web', 'shop')]),
    );
    expect(result.status).toBe('fail');
    expect(result.details!.workloads[0].dataplane).toBe('none');
  });

  it('resolves workload > namespace > mesh precedence, UNSET inheriting', () => {
    const objects = [
      ns('shop'),
      peerAuth('default', 'istio-system', { mtls: { mode: 'STRICT' } }),
      peerAuth('ns-wide', 'shop', { mtls: { mode: 'PERMISSIVE' } }),
      ...deploymentChain('web', 'shop', sidecar),
    ];
    const namespaceWins = collectMtls(contextFor(objects));
    expect(namespaceWins.status).toBe('warn');
    expect(namespaceWins.details!.workloads[0].modeSource).toMatchObject({
      level: 'namespace',
      policy: { name: 'ns-wide' },
    });

    const workloadWins = collectMtls(
      contextFor([
        ...objects,
        peerAuth('web-strict', 'shop', {
          selector: { matchLabels: { app: 'web' } },
          mtls: { mode: 'STRICT' },
        }),
      ]),
    );
    expect(workloadWins.status).toBe('pass');
    expect(workloadWins.details!.workloads[0].modeSource.level).toBe(
      'workload',
    );

    const unsetInherits = collectMtls(
      contextFor([
        ...objects,
        peerAuth('web-unset', 'shop', {
          selector: { matchLabels: { app: 'web' } },
          mtls: { mode: 'UNSET' },
        }),
      ]),
    );
    expect(unsetInherits.details!.workloads[0]).toMatchObject({
      mode: 'PERMISSIVE',
      modeSource: { level: 'namespace' },
    });

    // A policy selecting other pods, or in another namespace, does not apply.
    const unrelated = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        peerAuth('other', 'shop', {
          selector: { matchLabels: { app: 'db' } },
          mtls: { mode: 'DISABLE' },
        }),
        peerAuth('elsewhere', 'other-ns', { mtls: { mode: 'DISABLE' } }),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(unrelated.status).toBe('pass');
  });

  it('applies port-level overrides of the workload policy', () => {
    const result = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        peerAuth('web-health', 'shop', {
          selector: { matchLabels: { app: 'web' } },
          mtls: { mode: 'STRICT' },
          portLevelMtls: {
            '8080': { mode: 'PERMISSIVE' },
            '9090': { mode: 'STRICT' },
            '7070': { mode: 'UNSET' },
          },
        }),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(result.status).toBe('warn');
    expect(result.details!.workloads[0].portModes).toEqual([
      { port: 8080, mode: 'PERMISSIVE' },
    ]);
    expect(result.summary).toBe(
      'Deployment/web requires mTLS except port 8080 PERMISSIVE.',
    );

    const disabledPort = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        peerAuth('web-metrics', 'shop', {
          selector: { matchLabels: { app: 'web' } },
          portLevelMtls: { '15020': { mode: 'DISABLE' } },
        }),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    // The workload policy sets no mode: STRICT is inherited from the mesh; the port disables it.
    expect(disabledPort.details!.workloads[0]).toMatchObject({
      mode: 'STRICT',
      modeSource: { level: 'mesh' },
    });
    expect(disabledPort.status).toBe('fail');
  });

  describe('upstream scope and ambient rules (shared Istio module)', () => {
    const ambientNs = ns('shop', { 'istio.io/dataplane-mode': 'ambient' });

    it('ignores a selector PeerAuthentication in the root namespace, for any namespace', () => {
      const rootSelector = peerAuth('web-strict', 'istio-system', {
        selector: { matchLabels: { app: 'web' } },
        mtls: { mode: 'STRICT' },
      });
      const result = collectMtls(
        contextFor([
          ns('shop'),
          rootSelector,
          ...deploymentChain('web', 'shop', sidecar),
        ]),
      );
      expect(result.details!.workloads[0]).toMatchObject({
        mode: 'PERMISSIVE',
        modeSource: { level: 'default' },
      });
      expect(result.status).toBe('warn');
    });

    it('treats DISABLE as PERMISSIVE for ambient pods (ztunnel), with a note', () => {
      const result = collectMtls(
        contextFor([
          ambientNs,
          peerAuth('default', 'shop', { mtls: { mode: 'DISABLE' } }),
          ...deploymentChain('web', 'shop'),
        ]),
      );
      expect(result.details!.workloads[0]).toMatchObject({
        dataplane: 'ambient',
        mode: 'PERMISSIVE',
      });
      expect(result.status).toBe('warn');
      expect(result.notes?.join()).toMatch(/ztunnel does not support DISABLE/);
    });

    it('names the weak port of an ambient workload', () => {
      // istio/istio@86c9f01 pilot/pkg/serviceregistry/ambient/testdata/peer-authn-strict-and-disable-port-mtls-in.yaml
      const result = collectMtls(
        contextFor([
          ambientNs,
          peerAuth('strict-and-disable-mtls', 'shop', {
            selector: { matchLabels: { app: 'web' } },
            mtls: { mode: 'STRICT' },
            portLevelMtls: { 9090: { mode: 'DISABLE' } },
          }),
          ...deploymentChain('web', 'shop'),
        ]),
      );
      expect(result.status).toBe('warn');
      expect(result.summary).toBe(
        'Deployment/web requires mTLS except port 9090 PERMISSIVE.',
      );
    });

    it('keeps a lone DISABLE port STRICT for ambient under an inherited STRICT', () => {
      const result = collectMtls(
        contextFor([
          ambientNs,
          meshStrict,
          peerAuth('web-metrics', 'shop', {
            selector: { matchLabels: { app: 'web' } },
            portLevelMtls: { 15020: { mode: 'DISABLE' } },
          }),
          ...deploymentChain('web', 'shop'),
        ]),
      );
      expect(result.status).toBe('pass');
    });
  });

  it('lets the oldest of two namespace-wide policies win, as Istio does', () => {
    const result = collectMtls(
      contextFor([
        ns('shop'),
        peerAuth(
          'newer',
          'shop',
          { mtls: { mode: 'DISABLE' } },
          '2026-02-01T00:00:00Z',
        ),
        peerAuth(
          'older',
          'shop',
          { mtls: { mode: 'STRICT' } },
          '2025-01-01T00:00:00Z',
        ),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(result.details!.workloads[0].modeSource.policy!.name).toBe('older');
    expect(result.status).toBe('pass');
  });

  it('warns on the PERMISSIVE default when no PeerAuthentication exists, and reports DISABLE as fail', () => {
    const none = collectMtls(
      contextFor([ns('shop'), ...deploymentChain('web', 'shop', sidecar)]),
    );
    expect(none.status).toBe('warn');
    expect(none.details!.workloads[0].modeSource).toEqual({ level: 'default' });
    expect(none.summary).toMatch(/Istio default/);

    const disabled = collectMtls(
      contextFor([
        ns('shop'),
        peerAuth('off', 'shop', { mtls: { mode: 'DISABLE' } }),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(disabled.status).toBe('fail');
  });

  it('says not-installed without Istio, forbidden without RBAC, and notes malformed policies', () => {
    expect(
      collectMtls(
        contextFor(deploymentChain('web', 'shop'), {
          states: { PeerAuthentication: 'not-installed' },
        }),
      ).status,
    ).toBe('not-installed');
    expect(
      collectMtls(
        contextFor(deploymentChain('web', 'shop', sidecar), {
          states: { PeerAuthentication: 'forbidden' },
        }),
      ).status,
    ).toBe('forbidden');

    const malformed = collectMtls(
      contextFor([
        ns('shop'),
        meshStrict,
        obj('security.istio.io/v1', 'PeerAuthentication', 'broken', 'shop', {
          spec: 'not-an-object',
        }),
        peerAuth('weird', 'shop', {
          selector: { matchLabels: { app: 'web' } },
          mtls: { mode: 'STRICTEST' },
          portLevelMtls: { http: { mode: 'DISABLE' } },
        }),
        ...deploymentChain('web', 'shop', sidecar),
      ]),
    );
    expect(malformed.status).toBe('pass');
    expect(malformed.notes).toEqual([
      expect.stringMatching(/unknown mode "STRICTEST"/),
      expect.stringMatching(/non-numeric port "http"/),
    ]);
  });

  it('groups identical replicas and is unknown without pods', () => {
    const [deployment, rs, pod] = deploymentChain('web', 'shop', sidecar);
    const second = {
      ...pod,
      metadata: { ...pod.metadata, name: 'web-abc-2', uid: 'uid-2' },
    };
    const result = collectMtls(
      contextFor([ns('shop'), meshStrict, deployment, rs, pod, second]),
    );
    expect(result.details!.workloads).toHaveLength(1);
    expect(result.details!.workloads[0].pods).toBe(2);
    expect(result.summary).toBe(
      'All 2 pods in the mesh (sidecar) require mTLS (STRICT, mesh policy).',
    );

    expect(collectMtls(contextFor([meshStrict, deployment])).status).toBe(
      'unknown',
    );
  });
});
