export { ReachabilityCard, reachabilityGraph } from './ReachabilityCard';
