import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockCredentials } from '@backstage/backend-test-utils';
import { boutiqueEntities } from '../__testUtils__/boutiqueCatalog';
import { declaredPeers } from './declaredPeers';

describe('declaredPeers on the Online Boutique catalog', () => {
  const entities = boutiqueEntities();
  const catalog = catalogServiceMock({ entities });
  const entity = (name: string) =>
    entities.find(e => e.kind === 'Component' && e.metadata.name === name)!;

  it('names the callers and callees of a component where their pods run', async () => {
    const peers = await declaredPeers(
      entity('checkoutservice'),
      catalog,
      mockCredentials.user(),
    );
    const names = peers.map(p => `${p.namespace}/${p.name}`).sort();
    // Its caller (frontend depends on it) and the six services it depends on.
    expect(names).toEqual([
      'online-boutique/cartservice',
      'online-boutique/currencyservice',
      'online-boutique/emailservice',
      'online-boutique/frontend',
      'online-boutique/paymentservice',
      'online-boutique/productcatalogservice',
      'online-boutique/shippingservice',
    ]);
    expect(peers.find(p => p.name === 'frontend')!.entityRef).toBe(
      'component:default/frontend',
    );
  });

  it('skips a peer whose annotations name no valid workload', async () => {
    const broken = entities.map(e =>
      e.metadata.name === 'cartservice' && e.kind === 'Component'
        ? {
            ...e,
            metadata: {
              ...e.metadata,
              annotations: {
                ...e.metadata.annotations,
                'backstage.io/kubernetes-namespace': '../etc',
              },
            },
          }
        : e,
    );
    const peers = await declaredPeers(
      entity('checkoutservice'),
      catalogServiceMock({ entities: broken }),
      mockCredentials.user(),
    );
    expect(peers.map(p => p.name)).not.toContain('cartservice');
    expect(peers).toHaveLength(6);
  });
});
