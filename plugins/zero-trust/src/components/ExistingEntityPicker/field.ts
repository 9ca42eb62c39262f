import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  ExistingEntityPicker,
  existingEntityValidation,
} from './ExistingEntityPicker';

/** The `ExistingEntityPicker` form field, as the new frontend system's scaffolder loads it. */
export const existingEntityPickerField = createFormField({
  name: 'ExistingEntityPicker',
  component: ExistingEntityPicker,
  validation: existingEntityValidation,
});
