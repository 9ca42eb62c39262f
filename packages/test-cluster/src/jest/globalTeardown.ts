import { globalTeardown } from './globalSetup';

export default globalTeardown;
