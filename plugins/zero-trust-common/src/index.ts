/**
 * Isomorphic types, control ids and permissions of the Zero Trust plugin suite.
 *
 * @packageDocumentation
 */

export * from './controls';
export * from './api';
export * from './permissions';
export * from './score';
export * from './kinds';
export * from './paging';
