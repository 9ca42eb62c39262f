import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { zeroTrustApi } from './api';
import { zeroTrustEntityContent } from './entityContent';
import { zeroTrustEntityCard } from './entityCard';
import { existingEntityPickerFormField } from './formFields';

/**
 * The Zero Trust frontend plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'zero-trust',
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    zeroTrustApi,
    zeroTrustEntityContent,
    zeroTrustEntityCard,
    existingEntityPickerFormField,
  ],
});
