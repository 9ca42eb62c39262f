export {
  EvidenceTable,
  evidenceRows,
  evidenceRowsOf,
  type EvidenceTableRow,
} from './EvidenceTable';
