import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustApiRef } from '../api';
import { zeroTrustEntityContent } from './entityContent';
import { zeroTrustEntityCard } from './entityCard';
import plugin from './plugin';

describe('zero-trust frontend plugin (new frontend system)', () => {
  it('provides the Zero Trust tab for components and systems', () => {
    const tester = createExtensionTester(zeroTrustEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Zero Trust',
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/zero-trust');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    const entity = (kind: string) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name: 'x' },
    });
    expect(filter(entity('Component'))).toBe(true);
    expect(filter(entity('System'))).toBe(true);
    expect(filter(entity('Group'))).toBe(false);
  });

  it('lazy-loads the tab content, which asks the API for the entity posture', async () => {
    const getPosture = jest.fn().mockResolvedValue({
      entityRef: 'component:default/cartservice',
      controls: [
        { control: 'mtls', status: 'pass', summary: 'STRICT', evidence: [] },
      ],
      clusters: [],
      generatedAt: '2026-01-01T00:00:00Z',
    });
    const element = createExtensionTester(zeroTrustEntityContent).get(
      coreExtensionData.reactElement,
    );
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'cartservice' },
        }}
      >
        {element}
      </EntityProvider>,
      {
        apis: [
          [
            zeroTrustApiRef,
            {
              getPosture,
              getSbom: jest
                .fn()
                .mockResolvedValue({ total: 0, items: [], images: [] }),
              getVulnerabilities: jest.fn().mockResolvedValue({
                counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
                total: 0,
                items: [],
              }),
            },
          ],
        ],
      },
    );
    expect(
      (
        await screen.findAllByRole(
          'img',
          { name: 'status: pass' },
          { timeout: 10_000 },
        )
      ).length,
    ).toBeGreaterThan(0);
    expect(getPosture).toHaveBeenCalled();
  });

  it('provides the overview card for components and systems, which shows the score', async () => {
    const tester = createExtensionTester(zeroTrustEntityCard);
    // An info card: the Overview tab puts it in the column at the top, beside About.
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(
      filter({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'x' },
      }),
    ).toBe(true);
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'cartservice' },
        }}
      >
        {tester.get(coreExtensionData.reactElement)}
      </EntityProvider>,
      {
        apis: [
          [
            zeroTrustApiRef,
            {
              getPosture: async (): Promise<EntityPosture> => ({
                entityRef: 'component:default/cartservice',
                score: 100,
                controls: [
                  {
                    control: 'mtls',
                    status: 'pass',
                    summary: 'STRICT',
                    evidence: [],
                  },
                ],
                clusters: [],
                generatedAt: '2026-01-01T00:00:00Z',
              }),
            },
          ],
        ],
      },
    );
    expect(await screen.findByText('Score: 100/100')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Mutual TLS' }),
    ).toBeInTheDocument();
  });

  it('is a plugin with id zero-trust', () => {
    expect(plugin.id).toBe('zero-trust');
  });
});
