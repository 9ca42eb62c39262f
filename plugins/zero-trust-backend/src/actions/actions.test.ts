import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ZERO_TRUST_CONTROLS,
  zeroTrustEvidenceExportPermission,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  DEMO_SNAPSHOT,
  boutiqueEntities,
} from '../__testUtils__/boutiqueCatalog';
import { ClusterRegistry } from '../service/ClusterRegistry';
import { PostureService } from '../service/PostureService';
import { SnapshotClusterSource } from '../sources/SnapshotClusterSource';
import { zeroTrustPlugin } from '../plugin';
import { createZeroTrustActions } from '.';

const adservice = 'component:default/adservice';

describe('Zero Trust actions', () => {
  const catalog = catalogServiceMock({ entities: boutiqueEntities() });
  const clusters = new ClusterRegistry([
    SnapshotClusterSource.fromDirectory('demo', DEMO_SNAPSHOT),
  ]);
  const posture = new PostureService(clusters, catalog);
  const permissions = mockServices.permissions.mock();
  const actionsRegistry = actionsRegistryServiceMock();
  createZeroTrustActions({ actionsRegistry, catalog, permissions, posture });
  const alice = mockCredentials.user('user:default/alice');

  /** Allows every permission except the names given. */
  function denyOnly(...names: string[]) {
    permissions.authorize.mockImplementation(async requests =>
      requests.map(r => ({
        result: names.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    );
  }

  beforeEach(() => {
    permissions.authorize.mockReset();
    denyOnly();
  });

  it('registers three read-only actions', async () => {
    const { actions } = await actionsRegistry.list();
    expect(actions.map(a => a.name).sort()).toEqual([
      'explain-control',
      'export-evidence',
      'get-posture',
    ]);
    for (const action of actions) {
      expect(action.attributes).toEqual({
        readOnly: true,
        destructive: false,
        idempotent: true,
      });
    }
  });

  it('get-posture: every control and the score of a short entity reference', async () => {
    const { output } = await actionsRegistry.invoke({
      id: 'test:get-posture',
      input: { entityRef: 'adservice' },
      credentials: alice,
    });
    const out = output as any;
    expect(out.entityRef).toBe(adservice);
    expect(out.controls.map((c: any) => c.control)).toEqual(
      ZERO_TRUST_CONTROLS.map(c => c.id),
    );
    expect(out.controls.find((c: any) => c.control === 'admission')).toEqual(
      expect.objectContaining({
        title: 'Admission policy',
        status: 'fail',
        summary: expect.stringContaining('require-ro-rootfs'),
        evidenceCount: expect.any(Number),
      }),
    );
    // adservice fails admission: the score is capped below 60.
    expect(out.score).toBeLessThanOrEqual(59);
    expect(out.workloads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cluster: 'demo', name: 'adservice' }),
      ]),
    );
    // The permission is decided for this entity, with the caller's credentials.
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: zeroTrustPostureReadPermission, resourceRef: adservice }],
      { credentials: alice },
    );
  });

  it('get-posture of a System lists its components', async () => {
    const { output } = await actionsRegistry.invoke({
      id: 'test:get-posture',
      input: { entityRef: 'system:online-boutique' },
      credentials: alice,
    });
    const out = output as any;
    expect(out.entityRef).toBe('system:default/online-boutique');
    expect(out.components.map((c: any) => c.entityRef)).toContain(adservice);
  });

  it('explain-control: what the control checks, its status, details and evidence', async () => {
    const { output } = await actionsRegistry.invoke({
      id: 'test:explain-control',
      input: { entityRef: adservice, control: 'admission' },
      credentials: alice,
    });
    const out = output as any;
    expect(out).toMatchObject({
      entityRef: adservice,
      control: 'admission',
      title: 'Admission policy',
      weight: 2,
      status: 'fail',
    });
    expect(out.checks).toMatch(/Kyverno/);
    expect(out.summary).toContain('require-ro-rootfs');
    expect(out.details).toEqual(expect.any(Object));
    expect(out.evidence[0]).toMatchObject({
      cluster: 'demo',
      kind: 'PolicyReport',
    });
  });

  it('explain-control refuses a control that does not exist', async () => {
    await expect(
      actionsRegistry.invoke({
        id: 'test:explain-control',
        input: { entityRef: adservice, control: 'firewall' },
        credentials: alice,
      }),
    ).rejects.toThrow(
      /^No firewall result for component:default\/adservice; the controls are mtls, authorization, .*, identity, provenance, flows, cis$/,
    );
  });

  it('export-evidence: rows as json, or a csv or markdown document', async () => {
    const json = (
      await actionsRegistry.invoke({
        id: 'test:export-evidence',
        input: { entityRef: adservice },
        credentials: alice,
      })
    ).output as any;
    expect(json.format).toBe('json');
    expect(json.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entityRef: adservice,
          control: 'admission',
          status: 'fail',
          kind: 'PolicyReport',
        }),
      ]),
    );
    const csv = (
      await actionsRegistry.invoke({
        id: 'test:export-evidence',
        input: { entityRef: adservice, format: 'csv' },
        credentials: alice,
      })
    ).output as any;
    expect(csv.rows).toBeUndefined();
    expect(csv.content.split('\r\n')[0]).toBe(
      'entityRef,control,status,summary,cluster,apiVersion,kind,namespace,name,uid,resourceVersion,observedAt',
    );
    expect(csv.content.split('\r\n').length).toBe(json.rows.length + 2);
    const markdown = (
      await actionsRegistry.invoke({
        id: 'test:export-evidence',
        input: { entityRef: adservice, format: 'markdown' },
        credentials: alice,
      })
    ).output as any;
    expect(markdown.content).toMatch(
      /^# Zero Trust evidence: component:default\/adservice/,
    );
  });

  it('export-evidence needs zero-trust.evidence.export for the entity, besides the read permission', async () => {
    denyOnly(zeroTrustEvidenceExportPermission.name);
    await expect(
      actionsRegistry.invoke({
        id: 'test:export-evidence',
        input: { entityRef: adservice },
        credentials: alice,
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('zero-trust.evidence.export'),
    });
    const [requests, options] = permissions.authorize.mock.calls[0];
    expect(requests).toEqual([
      { permission: zeroTrustPostureReadPermission, resourceRef: adservice },
      {
        permission: zeroTrustEvidenceExportPermission,
        resourceRef: adservice,
      },
    ]);
    expect(isResourcePermission(requests[1].permission, 'catalog-entity')).toBe(
      true,
    );
    expect(options).toEqual({ credentials: alice });
    // The posture itself is still readable.
    await expect(
      actionsRegistry.invoke({
        id: 'test:get-posture',
        input: { entityRef: adservice },
        credentials: alice,
      }),
    ).resolves.toBeDefined();
  });

  it('every action is refused when zero-trust.posture.read is denied', async () => {
    denyOnly(zeroTrustPostureReadPermission.name);
    for (const [id, input] of [
      ['test:get-posture', { entityRef: adservice }],
      ['test:explain-control', { entityRef: adservice, control: 'mtls' }],
      ['test:export-evidence', { entityRef: adservice }],
    ] as const) {
      await expect(
        actionsRegistry.invoke({ id, input, credentials: alice }),
      ).rejects.toMatchObject({ name: 'NotAllowedError' });
    }
  });

  it('an entity the caller cannot see is not found, before any permission is asked', async () => {
    await expect(
      actionsRegistry.invoke({
        id: 'test:get-posture',
        input: { entityRef: 'component:default/nope' },
        credentials: alice,
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('a malformed entity reference is an input error', async () => {
    await expect(
      actionsRegistry.invoke({
        id: 'test:get-posture',
        input: { entityRef: 'component:default/a/b' },
        credentials: alice,
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('the backend plugin registers the actions', () => {
  it('in the actions registry of the zero-trust plugin', async () => {
    const registry = actionsRegistryServiceMock();
    await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogServiceMock.factory({ entities: boutiqueEntities() }),
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => registry,
        }),
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: { snapshots: [{ name: 'demo', path: DEMO_SNAPSHOT }] },
          },
        }),
      ],
    });
    const { actions } = await registry.list();
    expect(actions.map(a => a.id).sort()).toEqual([
      'test:explain-control',
      'test:export-evidence',
      'test:get-posture',
    ]);
    const { output } = await registry.invoke({
      id: 'test:get-posture',
      input: { entityRef: adservice },
      credentials: mockCredentials.user(),
    });
    expect((output as any).controls).toHaveLength(ZERO_TRUST_CONTROLS.length);
  });
});
