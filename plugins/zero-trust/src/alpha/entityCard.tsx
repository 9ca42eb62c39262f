import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The Zero Trust overview card on the Overview tab of Components and Systems. */
export const zeroTrustEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: { kind: { $in: ['component', 'system'] } },
    loader: () =>
      import('../components/OverviewCard').then(m => <m.EntityZeroTrustCard />),
  },
});
