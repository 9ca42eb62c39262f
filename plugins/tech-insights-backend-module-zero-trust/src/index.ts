/**
 * A Tech Insights module with the Zero Trust fact retriever: the status of each Zero Trust control
 * and the score of each catalog Component and System, for checks and scorecards.
 *
 * @packageDocumentation
 */

export { techInsightsModuleZeroTrust as default } from './module';
export {
  ZERO_TRUST_FACT_RETRIEVER_ID,
  ZERO_TRUST_SCORE_FACT,
  createZeroTrustFactRetriever,
  zeroTrustControlFact,
} from './zeroTrustFactRetriever';
export type { ZeroTrustFactRetrieverOptions } from './zeroTrustFactRetriever';
