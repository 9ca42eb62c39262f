export { OverviewCard, ClusterAlerts } from './OverviewCard';
export { EntityZeroTrustCard } from './EntityZeroTrustCard';
