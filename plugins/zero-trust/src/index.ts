/**
 * The Zero Trust frontend plugin: the entity tab and cards.
 *
 * @packageDocumentation
 */

export {
  zeroTrustPlugin,
  EntityZeroTrustContent,
  EntityZeroTrustCard,
} from './plugin';
export * from './api';
export type { ZeroTrustContentProps } from './components/ZeroTrustContent';
export { ExistingEntityPickerFieldExtension } from './fieldExtensions';
export type { ExistingEntityPickerUiOptions } from './components/ExistingEntityPicker';
