import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import {
  DEMO_SNAPSHOT,
  boutiqueEntities,
} from '../__testUtils__/boutiqueCatalog';
import { zeroTrustPlugin } from '../plugin';

const base = '/api/zero-trust/v1/entities';

// The Online Boutique catalog against its demo cluster snapshot (examples/online-boutique), whose
// README lists the deliberate findings these tests expect.
describe('posture, SBOM, vulnerability and evidence routes on the demo', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogServiceMock.factory({ entities: boutiqueEntities() }),
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: { snapshots: [{ name: 'demo', path: DEMO_SNAPSHOT }] },
          },
        }),
      ],
    }));
  });

  const get = (path: string) =>
    request(server)
      .get(`${base}/${path}`)
      .set('Authorization', mockCredentials.user.header());

  const control = (body: any, id: string) =>
    body.controls.find((c: { control: string }) => c.control === id);

  it('reports a declared caller the AuthorizationPolicy does not allow (currencyservice)', async () => {
    const res = await get('component/default/currencyservice/posture');
    expect(res.status).toBe(200);
    expect(res.body.drift.declaredNotAllowed).toEqual([
      {
        entityRef: 'component:default/checkoutservice',
        principal: 'cluster.local/ns/online-boutique/sa/checkoutservice',
      },
    ]);
    const authorization = control(res.body, 'authorization');
    expect(authorization.status).not.toBe('pass');
    expect(authorization.summary).toMatch(/1 declared caller\(s\) not allowed/);
    expect(authorization.details.drift).toEqual(res.body.drift);
  });

  it('reports an allowed caller the catalog does not declare (productcatalogservice)', async () => {
    const res = await get('component/default/productcatalogservice/posture');
    expect(res.body.drift.allowedNotDeclared).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          principal: 'cluster.local/ns/loadgenerator/sa/loadgenerator',
        }),
      ]),
    );
    expect(res.body.drift.declaredNotAllowed).toEqual([]);
  });

  it("shows the cluster's CIS benchmark: a warning on a component, the failure on the System", async () => {
    const component = control(
      (await get('component/default/cartservice/posture')).body,
      'cis',
    );
    expect(component.status).toBe('warn');
    expect(component.summary).toBe(
      "demo fails 11 CIS checks (kube-bench). Cluster context: shown as a warning, not this component's fault.",
    );
    expect(component.details.clusters[0].kubeBench).toEqual({
      report: 'ClusterPolicyReport kube-bench',
      pass: 64,
      fail: 11,
      warn: 49,
      skip: 0,
    });
    const system = control(
      (await get('system/default/online-boutique/posture')).body,
      'cis',
    );
    expect(system.status).toBe('fail');
    expect(system.summary).toBe('demo fails 11 CIS checks (kube-bench).');
  });

  it('shows observed flows as not installed: the demo configures no Hubble Relay', async () => {
    const flows = control(
      (await get('component/default/cartservice/posture')).body,
      'flows',
    );
    expect(flows).toMatchObject({
      status: 'not-installed',
      summary: 'No Hubble Relay configured for demo (zeroTrust.hubble.relays).',
    });
  });

  it('shows no drift where policies and catalog agree (cartservice)', async () => {
    const res = await get('component/default/cartservice/posture');
    expect(res.body.drift).toMatchObject({
      declaredNotAllowed: [],
      allowedNotDeclared: [],
      unresolved: [],
    });
  });

  it('aggregates the System from its components: worst status per control', async () => {
    const res = await get('system/default/online-boutique/posture');
    expect(res.status).toBe(200);
    expect(res.body.components).toHaveLength(11);
    const admission = control(res.body, 'admission');
    expect(admission.status).toBe('fail');
    expect(admission.summary).toMatch(/adservice/);
    expect(admission.summary).toMatch(/loadgenerator/);
    const row = res.body.components.find(
      (c: { entityRef: string }) =>
        c.entityRef === 'component:default/adservice',
    );
    expect(control(row, 'admission').status).toBe('fail');
    expect(res.body.score).toEqual(expect.any(Number));
  });

  it('pages and filters the SBOM', async () => {
    const all = await get('component/default/frontend/sbom?limit=500');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(5);
    expect(all.body.images).toEqual([
      expect.objectContaining({
        container: 'server',
        image: expect.stringMatching(/frontend:v0\.10\.3$/),
      }),
    ]);
    const page = await get('component/default/frontend/sbom?offset=2&limit=3');
    expect(page.body.items).toEqual(all.body.items.slice(2, 5));
    const filtered = await get('component/default/frontend/sbom?name=NETBASE');
    expect(filtered.body.items.map((c: { name: string }) => c.name)).toEqual([
      'netbase',
    ]);
  });

  it('downloads the SBOM as a CycloneDX 1.5 document', async () => {
    const res = await get('component/default/frontend/sbom?format=cyclonedx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(
      /^application\/vnd\.cyclonedx\+json/,
    );
    expect(res.headers['content-disposition']).toMatch(/frontend\.cdx\.json/);
    const bom = JSON.parse(res.text);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.5' });
    expect(bom.components.map((c: { name: string }) => c.name)).toContain(
      'netbase',
    );
  });

  it('lists vulnerabilities most severe first, with filters', async () => {
    const res = await get('component/default/adservice/vulnerabilities');
    expect(res.status).toBe(200);
    expect(res.body.counts.high).toBeGreaterThan(0);
    expect(res.body.items[0].severity).toBe('high');
    const high = await get(
      'component/default/emailservice/vulnerabilities?minSeverity=high',
    );
    expect(
      high.body.items.every((i: { severity: string }) =>
        ['critical', 'high'].includes(i.severity),
      ),
    ).toBe(true);
    expect(high.body.total).toBeLessThan(
      high.body.counts.high + high.body.counts.medium + 1,
    );
  });

  it('exports the evidence as JSON, CSV and Markdown', async () => {
    const json = await get('component/default/adservice/evidence');
    expect(json.body.rows.length).toBeGreaterThanOrEqual(11);
    expect(json.body.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          control: 'admission',
          status: 'fail',
          kind: 'PolicyReport',
          cluster: 'demo',
        }),
      ]),
    );
    const csv = await get('component/default/adservice/evidence?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'entityRef,control,status,summary,cluster,apiVersion,kind,namespace,name,uid,resourceVersion,observedAt',
    );
    expect(lines).toHaveLength(json.body.rows.length + 1);
    const md = await get(
      'component/default/adservice/evidence?format=markdown',
    );
    expect(md.text).toMatch(
      /^# Zero Trust evidence: component:default\/adservice/,
    );
    expect(md.text).toMatch(/\| admission \| fail \|/);
  });

  it.each([
    'component/default/frontend/sbom?limit=0',
    'component/default/frontend/sbom?format=spdx',
    'component/default/frontend/sbom?unknown=1',
    'component/default/frontend/vulnerabilities?minSeverity=severe',
    'component/default/frontend/evidence?format=pdf',
  ])('rejects the query of %s with 400', async path => {
    const res = await get(path);
    expect(res.status).toBe(400);
  });

  it.each([
    ['component/default/frontend/sbom?limit=0', /limit/],
    ['component/default/frontend/sbom?format=spdx', /format/],
    ['component/default/frontend/sbom?unknown=1', /unknown/],
    ['component/default/frontend/vulnerabilities?fixable=maybe', /fixable/],
    [
      'component/default/frontend/vulnerabilities?minSeverity=severe',
      /minSeverity/,
    ],
    ['component/Bad_NS/frontend/posture', /namespace/],
  ])(
    'names the wrong parameter of %s in an InputError',
    async (path, param) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(param);
    },
  );

  it('pages vulnerabilities and filters them on fixable=true only', async () => {
    const route = 'component/default/emailservice/vulnerabilities';
    const all = await get(`${route}?limit=500`);
    expect(all.body.total).toBeGreaterThan(2);
    const notFiltered = await get(`${route}?fixable=false&limit=500`);
    expect(notFiltered.body.total).toBe(all.body.total);
    const fixable = await get(`${route}?fixable=true&limit=500`);
    expect(
      fixable.body.items.every(
        (i: { fixedVersion?: string }) => i.fixedVersion,
      ),
    ).toBe(true);
    const page = await get(`${route}?offset=1&limit=2`);
    expect(page.body).toMatchObject({ offset: 1, limit: 2 });
    expect(page.body.items).toEqual(all.body.items.slice(1, 3));
  });

  it('serves its OpenAPI spec, with the paths under the plugin', async () => {
    const res = await request(server)
      .get('/api/zero-trust/openapi.json')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('zero-trust');
    expect(Object.keys(res.body.paths)).toContain(
      '/api/zero-trust/v1/entities/{kind}/{namespace}/{entityName}/posture',
    );
  });

  it('answers 404 on every route for an entity the caller cannot see', async () => {
    for (const route of ['posture', 'sbom', 'vulnerabilities', 'evidence']) {
      const res = await get(`component/default/nope/${route}`);
      expect(res.status).toBe(404);
    }
  });
});
