/**
 * Node library of the Zero Trust plugin suite, shared by the backend plugin and the scaffolder
 * module.
 *
 * @packageDocumentation
 */

export * from './labelSelector';
export * from './entityWorkloads';
export * from './servicePeer';
export * from './manifests';
export * from './policy';
export * from './istio';
