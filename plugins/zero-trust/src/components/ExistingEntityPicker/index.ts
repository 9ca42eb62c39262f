export {
  ExistingEntityPicker,
  existingEntityValidation,
} from './ExistingEntityPicker';
export type { ExistingEntityPickerUiOptions } from './ExistingEntityPicker';
export { existingEntityPickerField } from './field';
