import path from 'node:path';
import {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
  techInsightsFactRetrieversExtensionPoint,
} from '@backstage-community/plugin-tech-insights-node';
import { ZERO_TRUST_CONTROLS } from '@zero-trust-k8s/plugin-zero-trust-common';
// The real backend in the same test backend: the retriever is tested against what it will call.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import zeroTrustBackend from '@zero-trust-k8s/plugin-zero-trust-backend';
import techInsightsModuleZeroTrust, {
  ZERO_TRUST_FACT_RETRIEVER_ID,
  ZERO_TRUST_SCORE_FACT,
  zeroTrustControlFact,
} from '.';

// eslint-disable-next-line no-restricted-syntax
const DEMO_SNAPSHOT = path.resolve(
  __dirname,
  '../../../examples/online-boutique/cluster',
);

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:boutique-team', lifecycle: 'prod' },
  };
}

const boutique = (name: string) =>
  component(name, {
    'backstage.io/kubernetes-id': name,
    'backstage.io/kubernetes-namespace': 'online-boutique',
  });

const entities = [
  boutique('adservice'),
  boutique('frontend'),
  boutique('cartservice'),
  // No kubernetes annotation: not evaluated, every control unknown and no score.
  component('docs-site'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'cart-api', namespace: 'default' },
    spec: { type: 'grpc', owner: 'group:boutique-team', lifecycle: 'prod' },
  },
];

/**
 * Stands in for the Tech Insights backend: the same extension point and the same context its
 * engine gives a retriever (config, discovery, logger, auth, urlReader).
 */
function techInsightsStandIn(captured: {
  retrievers: Record<string, FactRetriever>;
  context?: Omit<FactRetrieverContext, 'entityFilter'>;
}) {
  return createBackendPlugin({
    pluginId: 'tech-insights',
    register(env) {
      env.registerExtensionPoint(techInsightsFactRetrieversExtensionPoint, {
        addFactRetrievers(retrievers) {
          Object.assign(captured.retrievers, retrievers);
        },
      });
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          discovery: coreServices.discovery,
          logger: coreServices.logger,
          auth: coreServices.auth,
          urlReader: coreServices.urlReader,
        },
        async init(deps: {
          config: RootConfigService;
          discovery: DiscoveryService;
          logger: LoggerService;
          auth: AuthService;
          urlReader: UrlReaderService;
        }) {
          captured.context = deps;
        },
      });
    },
  });
}

async function startWith(options: { zeroTrust: boolean }) {
  const captured: Parameters<typeof techInsightsStandIn>[0] = {
    retrievers: {},
  };
  await startTestBackend({
    features: [
      techInsightsStandIn(captured),
      techInsightsModuleZeroTrust,
      ...(options.zeroTrust ? [zeroTrustBackend] : []),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          zeroTrust: { snapshots: [{ name: 'demo', path: DEMO_SNAPSHOT }] },
        },
      }),
    ],
  });
  const retriever = captured.retrievers[ZERO_TRUST_FACT_RETRIEVER_ID];
  const run = () =>
    retriever.handler({
      ...captured.context!,
      entityFilter: retriever.entityFilter,
    });
  return { retriever, run, context: captured.context! };
}

describe('Zero Trust fact retriever', () => {
  it('is added to Tech Insights with a schema entry for each control and the score', async () => {
    const { retriever } = await startWith({ zeroTrust: true });
    expect(retriever.id).toBe('zeroTrustFactRetriever');
    expect(retriever.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(retriever.entityFilter).toEqual([{ kind: ['component', 'system'] }]);
    expect(Object.keys(retriever.schema).sort()).toEqual(
      [
        'zeroTrustScore',
        ...ZERO_TRUST_CONTROLS.map(c => zeroTrustControlFact(c.id)),
      ].sort(),
    );
    expect(retriever.schema.zeroTrustMtls).toEqual({
      type: 'string',
      description: expect.stringContaining('Mutual TLS'),
    });
    expect(retriever.schema[ZERO_TRUST_SCORE_FACT].type).toBe('integer');
  });

  it('reads each posture from the zero-trust backend over HTTP, with a service token', async () => {
    const { run } = await startWith({ zeroTrust: true });
    const facts = await run();
    const byName = Object.fromEntries(
      facts.map((f: TechInsightFact) => [f.entity.name, f]),
    );
    // Components only (the API is filtered out by the retriever's entity filter).
    expect(Object.keys(byName).sort()).toEqual([
      'adservice',
      'cartservice',
      'docs-site',
      'frontend',
    ]);
    expect(byName.adservice.entity).toEqual({
      namespace: 'default',
      kind: 'Component',
      name: 'adservice',
    });
    // The demo's deliberate findings (examples/online-boutique/README.md).
    expect(byName.adservice.facts).toMatchObject({
      zeroTrustAdmission: 'fail',
      zeroTrustRuntime: 'warn',
      zeroTrustMtls: 'pass',
    });
    expect(byName.adservice.facts.zeroTrustScore).toBeLessThanOrEqual(59);
    expect(byName.frontend.facts.zeroTrustMtls).toBe('warn');
    expect(byName.cartservice.facts.zeroTrustMtls).toBe('pass');
    for (const f of facts) {
      expect(Object.keys(f.facts)).toEqual(
        expect.arrayContaining(
          ZERO_TRUST_CONTROLS.map(c => zeroTrustControlFact(c.id)),
        ),
      );
    }
    expect(byName['docs-site'].facts).toEqual(
      Object.fromEntries(
        ZERO_TRUST_CONTROLS.map(c => [zeroTrustControlFact(c.id), 'unknown']),
      ),
    );
  });

  it('fails the run when the zero-trust backend does not answer', async () => {
    const { run } = await startWith({ zeroTrust: false });
    await expect(run()).rejects.toThrow(
      /^Zero Trust: no posture could be read from http:\/\/.*\/api\/zero-trust for 4 entities: component:default\/adservice: Request failed with 404 Not Found; component:default\/cartservice: /,
    );
  });
});
