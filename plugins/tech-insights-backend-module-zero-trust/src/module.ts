import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import {
  ZERO_TRUST_FACT_RETRIEVER_ID,
  createZeroTrustFactRetriever,
} from './zeroTrustFactRetriever';

/**
 * Adds the Zero Trust fact retriever to Tech Insights. Tech Insights runs it only once
 * `techInsights.factRetrievers.zeroTrustFactRetriever` is configured with a `cadence`.
 *
 * @public
 */
export const techInsightsModuleZeroTrust = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        retrievers: techInsightsFactRetrieversExtensionPoint,
        catalog: catalogServiceRef,
      },
      async init({ retrievers, catalog }) {
        retrievers.addFactRetrievers({
          [ZERO_TRUST_FACT_RETRIEVER_ID]: createZeroTrustFactRetriever({
            catalog,
          }),
        });
      },
    });
  },
});
