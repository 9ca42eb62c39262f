import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import {
  CONTROL_STATUSES,
  ControlId,
  EVIDENCE_FORMATS,
  EntityPosture,
  SEVERITIES,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import express from 'express';
import request from 'supertest';
import {
  DEMO_SNAPSHOT,
  boutiqueEntities,
} from '../__testUtils__/boutiqueCatalog';
import { zeroTrustPlugin } from '../plugin';
import { createOpenApiRouter, spec } from './openapi';

// Building a validator compiles the whole spec, which takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('the OpenAPI spec and the code', () => {
  it('lists the statuses, severities and evidence formats of the spec, in its order', () => {
    const { schemas } = spec.components;
    expect(CONTROL_STATUSES).toEqual(schemas.ControlStatus.enum);
    expect(SEVERITIES).toEqual(schemas.Severity.enum);
    expect(EVIDENCE_FORMATS).toEqual(schemas.EvidenceFormat.enum);
  });

  it('hands the routes query values typed as the spec types them', async () => {
    const router = await createOpenApiRouter();
    router.get(
      '/v1/entities/:kind/:namespace/:entityName/vulnerabilities',
      (req, res) => {
        // Echoes the query as the validator left it (not a VulnerabilityPage).
        (res as express.Response).json(req.query);
      },
    );
    const app = express().use(router);
    const res = await request(app).get(
      '/v1/entities/component/default/cart/vulnerabilities?fixable=false&offset=2&limit=3&minSeverity=high',
    );
    expect(res.body).toEqual({
      fixable: false,
      offset: 2,
      limit: 3,
      minSeverity: 'high',
    });
  });

  it('documents every built-in control id while keeping the id an open string', () => {
    const controlId = spec.components.schemas.ControlId;
    expect(controlId).not.toHaveProperty('enum');
    for (const { id } of ZERO_TRUST_CONTROLS) {
      expect(controlId.description).toContain(`\`${id}\``);
    }
  });
});

// The schema of each built-in control's details (the spec leaves `details` open, for the controls
// an installation adds).
const DETAILS_SCHEMAS: Record<ControlId, keyof typeof spec.components.schemas> =
  {
    mtls: 'MtlsDetails',
    authorization: 'AuthorizationDetails',
    segmentation: 'SegmentationDetails',
    admission: 'AdmissionDetails',
    sbom: 'SbomDetails',
    vulnerabilities: 'VulnerabilityDetails',
    rollout: 'RolloutDetails',
    gitops: 'GitOpsDetails',
    secrets: 'SecretsDetails',
    runtime: 'RuntimeDetails',
    identity: 'IdentityDetails',
    provenance: 'ProvenanceDetails',
    flows: 'FlowsDetails',
    cis: 'CisDetails',
  };

// The spec, plus one route per built-in control whose response is that control's details.
const specWithDetailsRoutes = {
  ...spec,
  paths: {
    ...spec.paths,
    ...Object.fromEntries(
      Object.entries(DETAILS_SCHEMAS).map(([control, schema]) => [
        `/details/${control}/{sample}`,
        {
          get: {
            operationId: `Details_${control}`,
            parameters: [
              {
                name: 'sample',
                in: 'path',
                required: true,
                schema: { type: 'integer' },
              },
            ],
            responses: {
              '200': {
                description: 'Ok',
                content: {
                  'application/json': {
                    schema: { $ref: `#/components/schemas/${schema}` },
                  },
                },
              },
            },
          },
        },
      ]),
    ),
  },
};

// What the routes answer on the demo (examples/online-boutique), checked against the spec's
// response schemas by the validator that checks requests in the router, with response validation
// on: the recorded bodies are replayed through a validating router. Each control's details are
// checked against their own schema.
describe('responses of the routes on the demo', () => {
  const routes = [
    '/v1/clusters',
    '/v1/entities/component/default/currencyservice/posture',
    '/v1/entities/system/default/online-boutique/posture',
    '/v1/entities/component/default/frontend/sbom?limit=500',
    '/v1/entities/component/default/emailservice/vulnerabilities?fixable=true',
    '/v1/entities/component/default/adservice/evidence',
  ];
  const recorded = new Map<string, unknown>();
  const details = new Map<ControlId, string[]>();
  let app: express.Express;

  /** A validating router that answers each URL with its recorded body. */
  async function validatingReplay() {
    const router = createValidatedOpenApiRouter(
      specWithDetailsRoutes as unknown as typeof spec,
      { validatorOptions: { validateResponses: true } },
    );
    router.use((req, res) => {
      res.json(recorded.get(req.url));
    });
    return express()
      .use(router)
      .use(
        (
          error: Error,
          _req: express.Request,
          res: express.Response,
          _next: express.NextFunction,
        ) => {
          res.status(500).json({ message: error.message });
        },
      );
  }

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogServiceMock.factory({ entities: boutiqueEntities() }),
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: { snapshots: [{ name: 'demo', path: DEMO_SNAPSHOT }] },
          },
        }),
      ],
    });
    const get = async (route: string) => {
      const res = await request(server)
        .get(`/api/zero-trust${route}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      return res.body;
    };
    for (const route of routes) {
      recorded.set(route, await get(route));
    }
    // Every component's posture, for the details of every control.
    const system = recorded.get(routes[2]) as EntityPosture;
    for (const { entityRef } of system.components ?? []) {
      const posture: EntityPosture = await get(
        `/v1/entities/${entityRef.replace(/[:/]/g, '/')}/posture`,
      );
      for (const result of posture.controls) {
        if (!result.details) continue;
        const samples = details.get(result.control) ?? [];
        const url = `/details/${result.control}/${samples.length}`;
        recorded.set(url, result.details);
        details.set(result.control, [...samples, url]);
      }
    }
    app = await validatingReplay();
  }, 60_000);

  it.each(routes)('%s matches its response schema', async route => {
    const res = await request(app)
      .get(route)
      .set('Authorization', 'Bearer token');
    expect(res.body).toEqual(recorded.get(route));
    expect(res.status).toBe(200);
  });

  it.each(ZERO_TRUST_CONTROLS.map(c => c.id))(
    'the details of %s match their schema in every component',
    async control => {
      const urls = details.get(control) ?? [];
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) {
        const res = await request(app).get(url);
        expect({ url, status: res.status, body: res.body }).toEqual({
          url,
          status: 200,
          body: recorded.get(url),
        });
      }
    },
  );

  it('tells a body that breaks the schema', async () => {
    const route = routes[1];
    const posture = recorded.get(route) as EntityPosture;
    recorded.set(route, {
      ...posture,
      controls: [{ ...posture.controls[0], status: 'great' }],
    });
    const [url] = details.get('mtls') ?? [];
    const mtls = recorded.get(url) as object;
    recorded.set(url, { ...mtls, workloads: [{ pods: 'two' }] });
    try {
      const res = await request(app)
        .get(route)
        .set('Authorization', 'Bearer token');
      expect(res.status).toBe(500);
      expect(res.body.message).toMatch(/status/);
      const bad = await request(app).get(url);
      expect(bad.status).toBe(500);
    } finally {
      recorded.set(route, posture);
      recorded.set(url, mtls);
    }
  });
});
