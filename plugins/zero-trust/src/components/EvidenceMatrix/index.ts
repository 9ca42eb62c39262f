export { EvidenceMatrix } from './EvidenceMatrix';
