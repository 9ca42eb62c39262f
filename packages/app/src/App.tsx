import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import zeroTrustPlugin from '@zero-trust-k8s/plugin-zero-trust/alpha';
import { navModule } from './modules/nav';
import { themeModule } from './modules/theme';

export default createApp({
  features: [catalogPlugin, zeroTrustPlugin, navModule, themeModule],
});
