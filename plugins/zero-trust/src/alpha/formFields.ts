import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * The `ExistingEntityPicker` field of the Zero Trust service template: catalog entities searched
 * by name and title, only existing ones accepted. Loaded with the scaffolder's form.
 */
export const existingEntityPickerFormField = FormFieldBlueprint.make({
  name: 'existing-entity-picker',
  params: {
    field: () =>
      import('../components/ExistingEntityPicker/field').then(
        m => m.existingEntityPickerField,
      ),
  },
});
