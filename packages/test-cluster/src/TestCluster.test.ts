import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  RbacAuthorizationV1Api,
  V1PolicyRule,
  makeInformer,
} from '@kubernetes/client-node';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { AccessKind, expectReadOnlyAccess } from './expectReadOnlyAccess';
import { useTestCluster } from './jest';
import { kubeRequest } from './kubeRequest';

const rbacDir = path.resolve(__dirname, '../../../examples/rbac');
const crdDir = path.resolve(__dirname, '../crds/generated');

jest.setTimeout(120_000);

describe('test cluster (real kube-apiserver + etcd)', () => {
  const cluster = useTestCluster({ apply: [rbacDir] });

  it('installs every pinned upstream CRD and reports it Established', async () => {
    const expected = fs
      .readdirSync(crdDir)
      .flatMap(f =>
        yaml.parseAllDocuments(fs.readFileSync(path.join(crdDir, f), 'utf8')),
      )
      .map(d => d.toJS())
      .filter(d => d?.kind === 'CustomResourceDefinition')
      .map(d => d.metadata.name as string);
    expect(expected.length).toBeGreaterThanOrEqual(30);

    const api = cluster().kubeConfig().makeApiClient(ApiextensionsV1Api);
    const { items } = await api.listCustomResourceDefinition();
    const established = new Set(
      items
        .filter(crd =>
          crd.status?.conditions?.some(
            c => c.type === 'Established' && c.status === 'True',
          ),
        )
        .map(crd => crd.metadata!.name),
    );
    expect(expected.filter(name => !established.has(name))).toEqual([]);
    // Every kind the backend reads is served (built in, or from these CRDs).
    const served = new Set(
      items.map(crd => `${crd.spec.group}/${crd.spec.names.plural}`),
    );
    const missing = WATCHED_KINDS.filter(
      k => k.group.includes('.') && !k.group.endsWith('k8s.io'),
    )
      .filter(k => !served.has(`${k.group}/${k.plural}`))
      .map(k => k.plural);
    expect(missing).toEqual([]);
  });

  describe('a ServiceAccount bound to a test ClusterRole, with a TokenRequest token', () => {
    const setUp = async (name: string, rules: V1PolicyRule[]) => {
      const kc = cluster().kubeConfig();
      const core = kc.makeApiClient(CoreV1Api);
      const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
      await core.createNamespacedServiceAccount({
        namespace: 'default',
        body: { metadata: { name } },
      });
      await rbac.createClusterRole({ body: { metadata: { name }, rules } });
      await rbac.createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name,
          },
          subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
        },
      });
      return cluster().kubeConfigFor('default', name);
    };
    const pods: AccessKind = {
      group: '',
      version: 'v1',
      plural: 'pods',
      kind: 'Pod',
      namespaced: true,
    };

    it('lists what the role permits and is Forbidden to list Secrets', async () => {
      const kc = await setUp('pod-reader', [
        { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      ]);
      const core = kc.makeApiClient(CoreV1Api);
      await expect(core.listPodForAllNamespaces()).resolves.toHaveProperty(
        'items',
      );
      await expect(core.listSecretForAllNamespaces()).rejects.toMatchObject({
        code: 403,
      });
      expect((await kubeRequest(kc, 'GET', '/api/v1/secrets')).status).toBe(
        403,
      );
    });

    it('expectReadOnlyAccess passes for get/list/watch and names every excess grant', async () => {
      const reader = await setUp('pod-watcher', [
        {
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['get', 'list', 'watch'],
        },
      ]);
      await expect(expectReadOnlyAccess(reader, [pods])).resolves.toBe(
        undefined,
      );

      const writer = await setUp('pod-and-secret-writer', [
        { apiGroups: [''], resources: ['pods'], verbs: ['*'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      ]);
      const failure = expectReadOnlyAccess(writer, [pods]);
      await expect(failure).rejects.toThrow(/delete pods: 404, expected 403/);
      await expect(failure).rejects.toThrow(
        /list \(all namespaces\) secrets: 200, expected 403/,
      );
    });
  });

  describe('the examples/rbac ServiceAccount (least privilege)', () => {
    it('can list and watch every kind the backend reads, and write nothing nor read Secrets', async () => {
      const kc = await cluster().kubeConfigFor(
        'backstage',
        'zero-trust-backstage',
      );
      await expect(
        expectReadOnlyAccess(kc, WATCHED_KINDS, { namespace: 'backstage' }),
      ).resolves.toBeUndefined();
    });

    it('is granted exactly get/list/watch, without wildcards', () => {
      const role = yaml.parse(
        fs.readFileSync(path.join(rbacDir, 'clusterrole.yaml'), 'utf8'),
      );
      const granted = role.rules.flatMap((r: any) =>
        r.resources.map((res: string) => ({
          group: r.apiGroups[0],
          res,
          verbs: r.verbs,
        })),
      );
      for (const rule of granted) {
        expect(rule.verbs).toEqual(['get', 'list', 'watch']);
        expect(rule.group).not.toContain('*');
        expect(rule.res).not.toContain('*');
        expect(rule.res).not.toBe('secrets');
      }
      expect(granted.map((g: any) => `${g.group}/${g.res}`).sort()).toEqual(
        WATCHED_KINDS.map(k => `${k.group}/${k.plural}`).sort(),
      );
    });
  });

  describe('client certificates and OIDC tokens', () => {
    /** A client configuration with the test cluster's server and CA and the given user. */
    function kubeConfigAs(user: {
      name: string;
      token?: string;
      certData?: string;
      keyData?: string;
    }): KubeConfig {
      const admin = cluster().kubeConfig().getCurrentCluster()!;
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [admin],
        users: [user],
        contexts: [{ name: 'c', cluster: admin.name, user: user.name }],
        currentContext: 'c',
      });
      return kc;
    }

    /** Who the API server says the caller is (SelfSubjectReview), or the HTTP status. */
    async function whoAmI(kc: KubeConfig) {
      const response = await kubeRequest(
        kc,
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
        },
      );
      if (response.status !== 201) return response.status;
      const { username, groups } = JSON.parse(response.body).status.userInfo;
      return {
        username,
        groups: groups.filter((g: string) => g !== 'system:authenticated'),
      };
    }

    it('authenticates a client certificate signed by the cluster’s client CA as its CN and O', async () => {
      const { cert, key } = await cluster().clientCertificateFor('alice', [
        'platform',
      ]);
      expect(cert).toContain('BEGIN CERTIFICATE');
      const kc = kubeConfigAs({
        name: 'alice',
        certData: Buffer.from(cert).toString('base64'),
        keyData: Buffer.from(key).toString('base64'),
      });
      expect(await whoAmI(kc)).toEqual({
        username: 'alice',
        groups: ['platform'],
      });
    });

    it('authenticates an ID token of the configured issuer, and refuses a wrong audience or an expired token', async () => {
      const token = await cluster().oidcTokenFor('bob', { groups: ['sre'] });
      // The API server fetches the issuer's keys asynchronously after it starts.
      let who: unknown;
      for (let i = 0; i < 100; i++) {
        who = await whoAmI(kubeConfigAs({ name: 'bob', token }));
        if (who !== 401) break;
        await new Promise(r => setTimeout(r, 200));
      }
      expect(who).toEqual({ username: 'oidc:bob', groups: ['oidc:sre'] });

      const wrongAudience = await cluster().oidcTokenFor('bob', {
        audience: 'someone-else',
      });
      expect(
        await whoAmI(kubeConfigAs({ name: 'b', token: wrongAudience })),
      ).toBe(401);
      const expired = await cluster().oidcTokenFor('bob', {
        ttlSeconds: -3600,
      });
      expect(await whoAmI(kubeConfigAs({ name: 'b', token: expired }))).toBe(
        401,
      );
    });
  });

  it('keeps a client-node informer on a CRD working across an apiserver restart', async () => {
    const kc = cluster().kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const peerAuthentication = (name: string) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name, namespace: 'backstage' },
      spec: { mtls: { mode: 'STRICT' } },
    });
    const create = (name: string) =>
      custom.createNamespacedCustomObject({
        group: 'security.istio.io',
        version: 'v1',
        namespace: 'backstage',
        plural: 'peerauthentications',
        body: peerAuthentication(name),
      });

    const informer = makeInformer<KubernetesObject>(
      kc,
      '/apis/security.istio.io/v1/namespaces/backstage/peerauthentications',
      () =>
        custom.listNamespacedCustomObject({
          group: 'security.istio.io',
          version: 'v1',
          namespace: 'backstage',
          plural: 'peerauthentications',
        }),
    );
    const seen = new Set<string>();
    const waitFor = async (name: string) => {
      for (let i = 0; i < 300 && !seen.has(name); i++) {
        await new Promise(r => setTimeout(r, 100));
      }
      return seen.has(name);
    };
    informer.on('add', obj => seen.add(obj.metadata!.name!));
    // What our backend does: a broken watch is restarted (list + watch again) after a pause.
    informer.on('error', () =>
      setTimeout(() => informer.start().catch(() => {}), 500),
    );
    await informer.start();

    await create('before-restart');
    expect(await waitFor('before-restart')).toBe(true);

    const serverBefore = cluster().server;
    await cluster().restart();
    expect(cluster().server).toBe(serverBefore);
    await create('after-restart');
    expect(await waitFor('after-restart')).toBe(true);
    await informer.stop();

    // etcd kept its data: both objects are there after the restart.
    const { items } = (await custom.listNamespacedCustomObject({
      group: 'security.istio.io',
      version: 'v1',
      namespace: 'backstage',
      plural: 'peerauthentications',
    })) as { items: KubernetesObject[] };
    expect(items.map(i => i.metadata!.name).sort()).toEqual([
      'after-restart',
      'before-restart',
    ]);
  });
});
