import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { zeroTrustApiRef } from '../api';
import { zeroTrustEntityContent } from './entityContent';
import plugin from './plugin';

describe('zero-trust frontend plugin (new frontend system)', () => {
  it('provides the Zero Trust tab for components and systems', () => {
    const tester = createExtensionTester(zeroTrustEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Zero Trust',
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/zero-trust');
    expect(tester.get(EntityContentBlueprint.dataRefs.filterExpression)).toBe(
      'kind:component,system',
    );
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
      { apis: [[zeroTrustApiRef, { getPosture }]] },
    );
    expect(await screen.findByLabelText('status: Pass')).toBeInTheDocument();
    expect(getPosture).toHaveBeenCalled();
  });

  it('is a plugin with id zero-trust', () => {
    expect(plugin.id).toBe('zero-trust');
  });
});
