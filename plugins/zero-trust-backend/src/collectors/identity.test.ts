import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectIdentity } from './identity';

const sa = (name: string, annotations?: Record<string, string>) =>
  obj(
    'v1',
    'ServiceAccount',
    name,
    'shop',
    { automountServiceAccountToken: false },
    { annotations },
  );
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  roleRef: { kind: string; name: string },
  subjects: object[],
) =>
  obj(
    'rbac.authorization.k8s.io/v1',
    kind,
    name,
    kind === 'RoleBinding' ? 'shop' : undefined,
    {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
      subjects,
    },
  );
const role = (name: string, rules: object[]) =>
  obj('rbac.authorization.k8s.io/v1', 'Role', name, 'shop', { rules });
const subject = { kind: 'ServiceAccount', name: 'web', namespace: 'shop' };

const run = (
  objects: object[],
  podSpec?: Record<string, unknown>,
  states?: Record<string, any>,
) =>
  collectIdentity(
    contextFor(
      [...deploymentChain('web', 'shop', podSpec), ...(objects as any[])],
      { states },
    ),
  );

describe('collectIdentity', () => {
  it('passes with its own ServiceAccount and reports its GKE workload identity', () => {
    const r = run([
      sa('web', {
        'iam.gke.io/gcp-service-account': 'web@proj.iam.gserviceaccount.com',
      }),
    ]);
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'Own ServiceAccount, cloud identity gke web@proj.iam.gserviceaccount.com; no excessive role.',
    );
    expect(r.details!.serviceAccounts[0]).toMatchObject({
      automountToken: false,
      isDefault: false,
    });
  });

  it('recognises EKS and Azure identities', () => {
    expect(
      run([
        sa('web', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/web' }),
      ]).details!.serviceAccounts[0].workloadIdentity,
    ).toEqual({ provider: 'eks', identity: 'arn:aws:iam::1:role/web' });
    expect(
      run([sa('web', { 'azure.workload.identity/client-id': 'abc' })]).details!
        .serviceAccounts[0].workloadIdentity,
    ).toEqual({ provider: 'azure', identity: 'abc' });
  });

  it('fails on a binding to edit, to wildcard rules, or to Secret reads', () => {
    const edit = run([
      sa('web'),
      binding(
        'RoleBinding',
        'web-edit',
        { kind: 'ClusterRole', name: 'edit' },
        [subject],
      ),
    ]);
    expect(edit.status).toBe('fail');
    expect(edit.summary).toBe(
      'More access than needed: web-edit (bound to the built-in edit role).',
    );
    const wildcard = run([
      sa('web'),
      role('everything', [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      ]),
      binding('RoleBinding', 'web-all', { kind: 'Role', name: 'everything' }, [
        subject,
      ]),
    ]);
    expect(wildcard.details!.grants[0].reasons).toEqual([
      'wildcard verbs',
      'wildcard resources',
      'reads Secrets',
    ]);
    const secrets = run([
      sa('web'),
      role('secret-reader', [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
      ]),
      binding(
        'RoleBinding',
        'web-secrets',
        { kind: 'Role', name: 'secret-reader' },
        [subject],
      ),
    ]);
    expect(secrets.details!.grants[0].reasons).toEqual(['reads Secrets']);
  });

  it('counts a ClusterRoleBinding to all ServiceAccounts of the namespace', () => {
    const r = run([
      sa('web'),
      binding(
        'ClusterRoleBinding',
        'ns-admin',
        { kind: 'ClusterRole', name: 'cluster-admin' },
        [{ kind: 'Group', name: 'system:serviceaccounts:shop' }],
      ),
    ]);
    expect(r.status).toBe('fail');
    expect(r.details!.grants[0].subject).toBe(
      'Group system:serviceaccounts:shop',
    );
  });

  it("passes a harmless role and ignores other workloads' bindings", () => {
    const r = run([
      sa('web'),
      role('config-reader', [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      ]),
      binding(
        'RoleBinding',
        'web-config',
        { kind: 'Role', name: 'config-reader' },
        [subject],
      ),
      binding(
        'RoleBinding',
        'other-edit',
        { kind: 'ClusterRole', name: 'edit' },
        [{ kind: 'ServiceAccount', name: 'other', namespace: 'shop' }],
      ),
    ]);
    expect(r.status).toBe('pass');
    expect(r.details!.grants.map(g => g.binding.name)).toEqual(['web-config']);
  });

  it("warns on pods that run as the namespace's default ServiceAccount", () => {
    const r = run([], {
      serviceAccountName: undefined,
      containers: [{ name: 'server', image: 'web:1' }],
    });
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/shared default ServiceAccount in shop/);
  });

  it('fails on a binding to system:authenticated, which every ServiceAccount belongs to', () => {
    const r = run([
      sa('web'),
      binding(
        'ClusterRoleBinding',
        'everyone-admin',
        { kind: 'ClusterRole', name: 'admin' },
        [{ kind: 'Group', name: 'system:authenticated' }],
      ),
    ]);
    expect(r.status).toBe('fail');
    expect(r.details!.grants[0].subject).toBe('Group system:authenticated');
  });

  it('does not pass when the bindings cannot be read', () => {
    const r = run([sa('web')], undefined, { ClusterRoleBinding: 'forbidden' });
    expect(r.status).toBe('unknown');
    expect(r.summary).toMatch(/ClusterRoleBinding \(test\) not readable/);
  });

  describe('token mounting (Kubernetes: the pod spec takes precedence over the ServiceAccount)', () => {
    const account = (automount?: boolean) =>
      obj(
        'v1',
        'ServiceAccount',
        'web',
        'shop',
        automount === undefined
          ? {}
          : { automountServiceAccountToken: automount },
      );
    const podSpec = (automount?: boolean) => ({
      serviceAccountName: 'web',
      containers: [{ name: 'server', image: 'web:1' }],
      ...(automount === undefined
        ? {}
        : { automountServiceAccountToken: automount }),
    });
    it.each([
      [undefined, undefined, true],
      [false, undefined, false],
      [true, undefined, true],
      [false, true, true],
      [true, false, false],
      [undefined, false, false],
      [undefined, true, true],
    ])(
      'ServiceAccount %s, pod %s → mounted %s',
      (onAccount, onPod, mounted) => {
        const r = run([account(onAccount)], podSpec(onPod));
        expect(r.details!.serviceAccounts[0].automountToken).toBe(mounted);
      },
    );
  });
});
