export { ControlCard, EvidenceList } from './ControlCard';
export { stateHelp } from './stateHelp';
