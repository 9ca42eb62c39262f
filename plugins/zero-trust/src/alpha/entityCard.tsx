import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The Zero Trust overview card on the Overview tab of Components and Systems: an info card, so it
 * sits in the column at the top of the tab beside the About card instead of after every content
 * card (an app can still set `type: content` in the extension's config).
 */
export const zeroTrustEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    type: 'info',
    filter: { kind: { $in: ['component', 'system'] } },
    loader: () =>
      import('../components/OverviewCard').then(m => <m.EntityZeroTrustCard />),
  },
});
