/**
 * The Zero Trust frontend plugin: the entity tab and cards.
 *
 * @packageDocumentation
 */

export { zeroTrustPlugin, EntityZeroTrustContent } from './plugin';
export * from './api';
