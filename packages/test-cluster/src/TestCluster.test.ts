import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import {
  WATCHED_KINDS,
  collectionPath,
} from '@zero-trust-k8s/plugin-zero-trust-common';
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

  describe('the examples/rbac ServiceAccount (least privilege)', () => {
    const asBackend = () =>
      cluster().kubeConfigFor('backstage', 'zero-trust-backstage');

    it('can list and watch every kind the backend reads', async () => {
      const kc = await asBackend();
      const denied: string[] = [];
      for (const kind of WATCHED_KINDS) {
        const list = await kubeRequest(kc, 'GET', collectionPath(kind));
        const watch = await kubeRequest(
          kc,
          'GET',
          `${collectionPath(kind)}?watch=1&timeoutSeconds=1`,
        );
        if (list.status !== 200 || watch.status !== 200) {
          denied.push(
            `${kind.plural}: list ${list.status}, watch ${watch.status}`,
          );
        }
      }
      expect(denied).toEqual([]);
    });

    it('may not read Secrets', async () => {
      const kc = await asBackend();
      expect((await kubeRequest(kc, 'GET', '/api/v1/secrets')).status).toBe(
        403,
      );
      expect(
        (await kubeRequest(kc, 'GET', '/api/v1/namespaces/backstage/secrets'))
          .status,
      ).toBe(403);
      expect(
        (
          await kubeRequest(
            kc,
            'GET',
            '/api/v1/namespaces/backstage/secrets/any',
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await kubeRequest(
            kc,
            'GET',
            '/api/v1/secrets?watch=1&timeoutSeconds=1',
          )
        ).status,
      ).toBe(403);
    });

    it('may not create, patch or delete anything it reads', async () => {
      const kc = await asBackend();
      const allowed: string[] = [];
      for (const kind of WATCHED_KINDS) {
        const base = kind.namespaced
          ? collectionPath(kind).replace(
              `/${kind.plural}`,
              `/namespaces/backstage/${kind.plural}`,
            )
          : collectionPath(kind);
        const object = {
          apiVersion: kind.group
            ? `${kind.group}/${kind.version}`
            : kind.version,
          kind: kind.kind,
          metadata: { name: 'zt-probe' },
        };
        const attempts = [
          await kubeRequest(kc, 'POST', base, object),
          await kubeRequest(
            kc,
            'PATCH',
            `${base}/backstage`,
            {},
            'application/merge-patch+json',
          ),
          await kubeRequest(kc, 'DELETE', `${base}/backstage`),
        ];
        if (attempts.some(a => a.status !== 403)) {
          allowed.push(
            `${kind.plural}: ${attempts.map(a => a.status).join(',')}`,
          );
        }
      }
      expect(allowed).toEqual([]);
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

    await cluster().restart();
    await create('after-restart');
    expect(await waitFor('after-restart')).toBe(true);
    await informer.stop();
  });
});
