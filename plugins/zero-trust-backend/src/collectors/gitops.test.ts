import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { KubeObject } from '../sources/types';
import { loadOne, loadUpstream } from './__fixtures__/upstream/load';
import {
  collectGitops,
  instanceNames,
  parseTrackingId,
  trackingApp,
} from './gitops';

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

/**
 * A Deployment's ReplicaSet and Pod as the controllers create them: joined by owner UID, labelled
 * with the pod template's labels (only what the template carries reaches them).
 */
function children(deployment: KubeObject, labels: Record<string, string>) {
  const { name, namespace } = deployment.metadata;
  const owner = (o: KubeObject) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
  });
  const rs = obj(
    'apps/v1',
    'ReplicaSet',
    `${name}-6549d54677`,
    namespace,
    {},
    { labels, ownerReferences: [owner(deployment)] },
  );
  const pod = obj(
    'v1',
    'Pod',
    `${name}-6549d54677-x1`,
    namespace,
    { spec: { containers: [{ name: 'main', image: 'nginx' }] } },
    { labels, ownerReferences: [owner(rs)] },
  );
  return [rs, pod];
}

const withUid = (o: KubeObject, uid: string): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, uid },
});

describe('Argo CD resource tracking (argo-cd v3.5.1 util/argo/resource_tracking.go)', () => {
  const velero = loadOne('argo-cd/application-velero-test.yaml');
  const liveGuestbook = loadOne('argo-cd/live-deployment-guestbook.yaml');
  const [guestbook, anyNamespaceApp] = loadUpstream(
    'argo-cd/applications-docs.yaml',
  );
  const [byAnnotation, byLabel] = loadUpstream(
    'argo-cd/resource-tracking-docs.yaml',
  ).map((d, i) => withUid(d, `uid-docs-${i}`));
  const guestbookPods = children(liveGuestbook, { app: 'guestbook-ui' });

  it('parses tracking ids as ParseAppInstanceValue does (its own test cases)', () => {
    expect(parseTrackingId('app:<group>/<kind>:<namespace>/<name>')).toEqual({
      app: 'app',
      group: '<group>',
      kind: '<kind>',
      namespace: '<namespace>',
      name: '<name>',
    });
    expect(
      parseTrackingId('app:<group>/<kind>:<namespace>/<name>:<colon>')?.name,
    ).toBe('<name>:<colon>');
    expect(parseTrackingId('app:group/kind:test/ns')).toBeDefined();
    expect(parseTrackingId('app')).toBeUndefined();
    expect(parseTrackingId('app;group/kind/ns')).toBeUndefined();
    // The core group is empty: `<app>:/<kind>:<namespace>/<name>`.
    expect(parseTrackingId('my-app:/Service:default/web')?.group).toBe('');
  });

  it('names the Application of a root object by its self-referencing tracking id, else its instance label', () => {
    expect(trackingApp(liveGuestbook)).toBe('guestbook');
    expect(trackingApp(byAnnotation)).toBe('my-app');
    expect(trackingApp(byLabel)).toBe('some-application');
    // controller/state_test.go TestIsLiveResourceManaged: a tracking id with another name, group,
    // kind or namespace does not make the object managed (annotation tracking).
    const annotated = (id: string) => ({
      ...byAnnotation,
      metadata: {
        ...byAnnotation.metadata,
        annotations: { 'argocd.argoproj.io/tracking-id': id },
      },
    });
    for (const id of [
      'my-app:apps/Deployment:default/other-deployment',
      'my-app:extensions/Deployment:default/my-deployment',
      'my-app:apps/StatefulSet:default/my-deployment',
      'my-app:apps/Deployment:other-namespace/my-deployment',
      'not a tracking id',
    ]) {
      expect(trackingApp(annotated(id))).toBeUndefined();
    }
    // With the annotation, the label is informational only (annotation+label).
    expect(
      trackingApp({
        ...byAnnotation,
        metadata: {
          ...byAnnotation.metadata,
          labels: { 'app.kubernetes.io/instance': 'other' },
        },
      }),
    ).toBe('my-app');
    // The docs' custom label key.
    expect(
      trackingApp({
        ...byLabel,
        metadata: {
          ...byLabel.metadata,
          labels: { 'argocd.argoproj.io/instance': 'custom' },
        },
      }),
    ).toBe('custom');
    // ReplicaSets and Pods are not roots: a label copied from the template tracks nothing.
    const [rs, pod] = children(byLabel, {
      'app.kubernetes.io/instance': 'some-application',
    });
    expect(trackingApp(rs)).toBeUndefined();
    expect(trackingApp(pod)).toBeUndefined();
  });

  it('tracks an Application by InstanceName: <namespace>_<name> outside the control plane namespace', () => {
    expect(instanceNames(velero)).toEqual(['velero-test']);
    expect(instanceNames(anyNamespaceApp)).toEqual(['some-namespace_some-app']);
    // No status.controllerNamespace yet: either form.
    expect(instanceNames(guestbook)).toEqual(['guestbook', 'argocd_guestbook']);
  });

  it("matches the workload's Deployment and Service in status.resources by group, kind, namespace and name", () => {
    const [deployment, rs, pod] = deploymentChain('test-lla', 'test-lla');
    const service = obj('v1', 'Service', 'test-lla', 'test-lla', {
      spec: { selector: { app: 'test-lla' } },
    });
    const r = collectGitops(
      contextFor([deployment, rs, pod, service, velero], {
        selector: 'app=test-lla',
      }),
    );
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('In sync with Git through velero-test.');
    expect(r.details!.applications[0].resources).toEqual([
      {
        group: '',
        kind: 'Service',
        namespace: 'test-lla',
        name: 'test-lla',
        status: 'Synced',
        health: 'Healthy',
        security: false,
      },
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'test-lla',
        name: 'test-lla',
        status: 'Synced',
        health: 'Healthy',
        security: false,
      },
    ]);
    // A Rollout of the same name is not the listed apps/Deployment.
    const rollout = obj(
      'argoproj.io/v1alpha1',
      'Rollout',
      'test-lla',
      'test-lla',
      {},
      { labels: { app: 'test-lla' } },
    );
    const asRollout = collectGitops(
      contextFor([rollout, velero], { selector: 'app=test-lla' }),
    );
    expect(asRollout.status).toBe('warn');
    expect(asRollout.summary).toBe('not managed by Argo CD: Rollout/test-lla.');
  });

  it('counts a Deployment tracked by annotation as managed, and says when the Application has not listed it yet', () => {
    const listed = {
      ...guestbook,
      status: {
        controllerNamespace: 'argocd',
        sync: { status: 'Synced', revision: 'abc123' },
        health: { status: 'Healthy' },
        resources: [
          {
            group: 'apps',
            version: 'v1',
            kind: 'Deployment',
            namespace: 'default',
            name: 'kustomize-guestbook-ui',
            status: 'Synced',
            health: { status: 'Healthy' },
          },
        ],
      },
    };
    const options = { selector: 'app=guestbook-ui' };
    const synced = collectGitops(
      contextFor([liveGuestbook, ...guestbookPods, listed], options),
    );
    expect(synced.status).toBe('pass');
    expect(synced.details!.applications[0].resources).toHaveLength(1);

    // The Application from the docs, just created: no status.resources yet.
    const fresh = collectGitops(
      contextFor([liveGuestbook, ...guestbookPods, guestbook], options),
    );
    expect(fresh.status).toBe('warn');
    expect(fresh.summary).toBe(
      "tracked but not in the Application's status: Deployment kustomize-guestbook-ui (guestbook).",
    );
    expect(fresh.details!.unmanaged).toEqual([]);
    expect(fresh.details!.applications[0].resources).toEqual([
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'default',
        name: 'kustomize-guestbook-ui',
        security: false,
      },
    ]);
  });

  it('does not count a copy whose tracking id names another object (non self-referencing)', () => {
    const copy = {
      ...liveGuestbook,
      metadata: {
        ...liveGuestbook.metadata,
        namespace: 'copied',
        uid: 'uid-copy',
      },
    };
    const r = collectGitops(
      contextFor(
        [copy, ...children(copy, { app: 'guestbook-ui' }), guestbook],
        {
          selector: 'app=guestbook-ui',
        },
      ),
    );
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'not managed by Argo CD: Deployment/kustomize-guestbook-ui.',
    );
  });

  it('counts a Deployment tracked by label; a label only in the pod template tracks nothing', () => {
    const someApplication = obj(
      'argoproj.io/v1alpha1',
      'Application',
      'some-application',
      'argocd',
    );
    const labelled = collectGitops(
      contextFor([
        byLabel,
        ...children(byLabel, { app: 'web' }),
        someApplication,
      ]),
    );
    expect(labelled.details!.unmanaged).toEqual([]);
    expect(labelled.details!.applications.map(a => a.name)).toEqual([
      'some-application',
    ]);

    const unlabelled = {
      ...byLabel,
      metadata: { ...byLabel.metadata, labels: {} },
    };
    const templateOnly = collectGitops(
      contextFor([
        unlabelled,
        ...children(unlabelled, {
          app: 'web',
          'app.kubernetes.io/instance': 'some-application',
        }),
        someApplication,
      ]),
    );
    expect(templateOnly.summary).toBe(
      'not managed by Argo CD: Deployment/my-deployment.',
    );
  });

  it('attributes a tracking id to the Application in another namespace only by its qualified name', () => {
    const tracked = (appName: string) => ({
      ...byAnnotation,
      metadata: {
        ...byAnnotation.metadata,
        annotations: {
          'argocd.argoproj.io/tracking-id': `${appName}:apps/Deployment:default/my-deployment`,
        },
      },
    });
    const run2 = (d: KubeObject) =>
      collectGitops(
        contextFor([d, ...children(d, { app: 'web' }), anyNamespaceApp]),
      ).details!.unmanaged;
    expect(run2(tracked('some-namespace_some-app'))).toEqual([]);
    expect(run2(tracked('some-app'))).toEqual(['Deployment/my-deployment']);
  });
});
