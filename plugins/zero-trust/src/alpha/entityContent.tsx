import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The "Zero Trust" tab on Component and System pages. */
export const zeroTrustEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/zero-trust',
    title: 'Zero Trust',
    filter: { kind: { $in: ['component', 'system'] } },
    loader: () =>
      import('../components/ZeroTrustContent').then(m => (
        <m.ZeroTrustContent />
      )),
  },
});
