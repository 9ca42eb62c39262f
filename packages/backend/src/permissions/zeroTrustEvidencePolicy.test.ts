import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import request from 'supertest';
import permissionBackend from '@backstage/plugin-permission-backend';
import catalogBackend from '@backstage/plugin-catalog-backend';
import zeroTrustBackend from '@zero-trust-k8s/plugin-zero-trust-backend';
import { permissionModuleZeroTrustEvidenceOwners } from './zeroTrustEvidencePolicy';

// eslint-disable-next-line no-restricted-syntax
const DEMO_SNAPSHOT = path.resolve(
  __dirname,
  '../../../../examples/online-boutique/cluster',
);

const ENTITY = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: adservice
  annotations:
    backstage.io/kubernetes-id: adservice
    backstage.io/kubernetes-namespace: online-boutique
spec:
  type: service
  lifecycle: production
  owner: user:default/alice
`;

/**
 * The mock auth service, except that a plugin's on-behalf-of token keeps an actor as the real
 * service's does: the permission backend refuses a user's conditional (resourceRef-less) request
 * that has no actor, which the catalog makes for every read with the caller's credentials. The
 * real httpAuth service reads requests through it (the mock httpAuth has its own auth inside).
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(auth), {
      async authenticate(token: string, options?: any) {
        const credentials = await auth.authenticate(token, options);
        const { obo } = token.includes('"obo":')
          ? JSON.parse(token.slice(token.indexOf('{')))
          : { obo: undefined };
        return obo
          ? mockCredentials.user(obo, { actor: { subject: 'plugin' } })
          : credentials;
      },
    });
  },
});

const EXPORT =
  '/api/zero-trust/.backstage/actions/v1/actions/zero-trust:export-evidence/invoke';

// The whole chain of a conditional decision, with real plugins: the zero-trust backend asks the
// permission backend, whose policy answers "if the caller owns the entity", and the permission
// backend has the catalog evaluate isEntityOwner on the entity it holds.
describe('example policy: only owners export Zero Trust evidence', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-policy-'));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), ENTITY);
    ({ server } = await startTestBackend({
      features: [
        permissionBackend,
        permissionModuleZeroTrustEvidenceOwners,
        catalogBackend,
        zeroTrustBackend,
        permissionsServiceFactory,
        authWithActors,
        httpAuthServiceFactory,
        actionsRegistryServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              processingInterval: { seconds: 1 },
              locations: [
                { type: 'file', target: path.join(dir, 'catalog.yaml') },
              ],
            },
            zeroTrust: { snapshots: [{ name: 'demo', path: DEMO_SNAPSHOT }] },
          },
        }),
      ],
    }));
    // Wait until the catalog has processed the entity and given it its ownedBy relation.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/adservice')
        .set('Authorization', mockCredentials.service.header());
      if (
        res.status === 200 &&
        res.body.relations?.some((r: { type: string }) => r.type === 'ownedBy')
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the catalog did not process the entity: ${res.status}`,
        );
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }, 90_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (user: string, input: object) =>
    request(server)
      .post(EXPORT)
      .set('Authorization', mockCredentials.user.header(user))
      .send(input);

  it('allows the owner', async () => {
    const res = await invoke('user:default/alice', {
      entityRef: 'adservice',
      format: 'json',
    });
    expect(res.status).toBe(200);
    expect(res.body.output.entityRef).toBe('component:default/adservice');
    expect(res.body.output.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ control: 'admission', status: 'fail' }),
      ]),
    );
  });

  it('denies another user', async () => {
    const res = await invoke('user:default/bob', {
      entityRef: 'adservice',
      format: 'json',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('zero-trust.evidence.export');
  });

  it('applies to the REST route the tab downloads from as well', async () => {
    const route = '/api/zero-trust/v1/entities/component/default/adservice';
    const as = (user: string, subpath: string) =>
      request(server)
        .get(`${route}/${subpath}`)
        .set('Authorization', mockCredentials.user.header(user));
    expect((await as('user:default/alice', 'evidence?format=csv')).status).toBe(
      200,
    );
    const denied = await as('user:default/bob', 'evidence?format=csv');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('zero-trust.evidence.export');
    expect((await as('user:default/bob', 'posture')).status).toBe(200);
  });

  it('still lets the other user read the posture', async () => {
    const res = await request(server)
      .post(
        '/api/zero-trust/.backstage/actions/v1/actions/zero-trust:get-posture/invoke',
      )
      .set('Authorization', mockCredentials.user.header('user:default/bob'))
      .send({ entityRef: 'adservice' });
    expect(res.status).toBe(200);
    expect(res.body.output.controls.length).toBeGreaterThan(0);
  });
});
