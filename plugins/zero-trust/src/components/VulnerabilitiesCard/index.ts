export { VulnerabilitiesCard } from './VulnerabilitiesCard';
