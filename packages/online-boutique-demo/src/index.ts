/**
 * Records the Online Boutique demo state from the test cluster with its real producers.
 *
 * @packageDocumentation
 */

export {
  DEMO_NAMESPACES,
  dumpCluster,
  recordOnlineBoutique,
  startOnlineBoutiqueCluster,
} from './recordOnlineBoutique';
export { writeRecording } from './record';
export { EXAMPLE_DIR, RECORDED_DIR } from './paths';
