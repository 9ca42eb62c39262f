import path from 'node:path';

// This private package runs from source inside the repository, next to the example.
// eslint-disable-next-line no-restricted-syntax
const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The example's folder: catalog/, config/ (desired state), scans/, cluster/ (recorded). */
export const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples/online-boutique');
/** The backend's least-privilege RBAC, applied like any platform object. */
export const RBAC_DIR = path.join(REPO_ROOT, 'examples/rbac');
/** What the recorder writes: the demo snapshot README command 1 serves. */
export const RECORDED_DIR = path.join(EXAMPLE_DIR, 'cluster');
