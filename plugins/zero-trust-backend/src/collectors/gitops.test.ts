import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectGitops } from './gitops';

const app = (
  name: string,
  sync: string,
  resources: object[],
  health = 'Healthy',
) =>
  obj('argoproj.io/v1alpha1', 'Application', name, 'argocd', {
    status: {
      sync: { status: sync, revision: 'abc123' },
      health: { status: health },
      resources,
    },
  });
const resource = (
  group: string,
  kind: string,
  name: string,
  status = 'Synced',
) => ({
  group,
  version: 'v1',
  kind,
  namespace: 'shop',
  name,
  status,
});
const netpol = (name: string, podSelector: object) =>
  obj('networking.k8s.io/v1', 'NetworkPolicy', name, 'shop', {
    spec: { podSelector },
  });
const authz = (name: string, spec: object) =>
  obj('security.istio.io/v1', 'AuthorizationPolicy', name, 'shop', { spec });

const run = (objects: object[]) =>
  collectGitops(
    contextFor([...deploymentChain('web', 'shop'), ...(objects as any[])]),
  );

describe('collectGitops', () => {
  it('passes when the Application managing the workload is in sync', () => {
    const r = run([
      app('shop', 'Synced', [resource('apps', 'Deployment', 'web')]),
    ]);
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('In sync with Git through shop.');
    expect(r.evidence.map(e => e.name)).toEqual(['shop']);
  });

  it('fails when a security object protecting the pods is OutOfSync', () => {
    const r = run([
      netpol('web-ingress', { matchLabels: { app: 'web' } }),
      app('shop', 'Synced', [resource('apps', 'Deployment', 'web')]),
      app('security', 'OutOfSync', [
        resource(
          'networking.k8s.io',
          'NetworkPolicy',
          'web-ingress',
          'OutOfSync',
        ),
      ]),
    ]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      'Security object(s) out of sync with Git: NetworkPolicy web-ingress.',
    );
    expect(r.details!.applications[1].resources[0].security).toBe(true);
  });

  it("ignores drift of another workload's policies, Istio targetRefs included", () => {
    const r = run([
      netpol('other-ingress', { matchLabels: { app: 'other' } }),
      authz('other-allow', {
        targetRefs: [{ kind: 'Service', group: '', name: 'other' }],
      }),
      app('shop', 'Synced', [resource('apps', 'Deployment', 'web')]),
      app('security', 'OutOfSync', [
        resource(
          'networking.k8s.io',
          'NetworkPolicy',
          'other-ingress',
          'OutOfSync',
        ),
        resource(
          'security.istio.io',
          'AuthorizationPolicy',
          'other-allow',
          'OutOfSync',
        ),
      ]),
    ]);
    expect(r.status).toBe('pass');
  });

  it('counts a namespace-wide policy (empty selector) as protecting the workload', () => {
    const r = run([
      authz('allow-nothing', {}),
      app('security', 'OutOfSync', [
        resource(
          'security.istio.io',
          'AuthorizationPolicy',
          'allow-nothing',
          'OutOfSync',
        ),
      ]),
      app('shop', 'Synced', [resource('apps', 'Deployment', 'web')]),
    ]);
    expect(r.status).toBe('fail');
  });

  it('warns on drift of its own objects, degraded health and unmanaged workloads', () => {
    expect(
      run([
        app('shop', 'OutOfSync', [
          resource('apps', 'Deployment', 'web', 'OutOfSync'),
        ]),
      ]).summary,
    ).toBe('out of sync: Deployment web.');
    expect(
      run([
        app(
          'shop',
          'Synced',
          [resource('apps', 'Deployment', 'web')],
          'Degraded',
        ),
      ]).status,
    ).toBe('warn');
    const r = run([]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('not managed by Argo CD: Deployment/web.');
  });

  it('skips malformed resource entries', () => {
    const r = run([
      app('shop', 'Synced', [
        null as any,
        'x' as any,
        resource('apps', 'Deployment', 'web'),
      ]),
    ]);
    expect(r.status).toBe('pass');
  });
});
