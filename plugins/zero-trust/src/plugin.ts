import {
  createApiFactory,
  createPlugin,
  createComponentExtension,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { ZeroTrustClient, zeroTrustApiRef } from './api';
import type { ZeroTrustContentProps } from './components/ZeroTrustContent';

const rootRouteRef = createRouteRef({ id: 'zero-trust' });

/**
 * The Zero Trust plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const zeroTrustPlugin = createPlugin({
  id: 'zero-trust',
  apis: [
    createApiFactory({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZeroTrustClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The Zero Trust tab for `EntityLayout.Route` in legacy apps. Pass `kubernetesTabPath` (the path
 * of your Kubernetes `EntityLayout.Route`, e.g. `/kubernetes`) to link each evidence object to
 * the entity's Kubernetes tab.
 *
 * @public
 */
export const EntityZeroTrustContent: (
  props: ZeroTrustContentProps,
) => JSX.Element = zeroTrustPlugin.provide(
  createRoutableExtension({
    name: 'EntityZeroTrustContent',
    component: () =>
      import('./components/ZeroTrustContent').then(m => m.ZeroTrustContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Zero Trust overview card for the Overview tab of legacy apps.
 *
 * @public
 */
export const EntityZeroTrustCard: () => JSX.Element = zeroTrustPlugin.provide(
  createComponentExtension({
    name: 'EntityZeroTrustCard',
    component: {
      lazy: () =>
        import('./components/OverviewCard').then(m => m.EntityZeroTrustCard),
    },
  }),
);
