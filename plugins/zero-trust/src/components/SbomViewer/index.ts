export { SbomViewer } from './SbomViewer';
