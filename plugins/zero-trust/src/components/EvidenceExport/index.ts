export { EvidenceExportButtons } from './EvidenceExportButtons';
