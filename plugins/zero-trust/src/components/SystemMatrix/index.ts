export { SystemMatrix } from './SystemMatrix';
