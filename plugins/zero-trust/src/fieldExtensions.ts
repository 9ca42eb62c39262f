import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  ExistingEntityPicker,
  existingEntityValidation,
} from './components/ExistingEntityPicker/ExistingEntityPicker';
import type { ExistingEntityPickerUiOptions } from './components/ExistingEntityPicker/ExistingEntityPicker';
import { zeroTrustPlugin } from './plugin';

/**
 * The `ExistingEntityPicker` field of the Zero Trust service template for legacy apps: put it
 * inside `<ScaffolderFieldExtensions>` of the scaffolder route. It picks catalog entities
 * searched by name and title and, unless `allowArbitraryValues` is set, accepts only existing
 * ones.
 *
 * @public
 */
export const ExistingEntityPickerFieldExtension = zeroTrustPlugin.provide(
  createScaffolderFieldExtension<
    string | string[],
    ExistingEntityPickerUiOptions
  >({
    name: 'ExistingEntityPicker',
    component: ExistingEntityPicker,
    validation: existingEntityValidation,
  }),
);
