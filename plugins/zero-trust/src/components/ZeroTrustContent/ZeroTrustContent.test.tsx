import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ZERO_TRUST_CONTROLS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ZeroTrustApi, zeroTrustApiRef } from '../../api';
import { ZeroTrustContent } from './ZeroTrustContent';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cartservice', namespace: 'default' },
  spec: {},
};

function renderWith(api: Partial<ZeroTrustApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, api]]}>
      <EntityProvider entity={entity}>
        <ZeroTrustContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('ZeroTrustContent', () => {
  it('labels an unevaluated posture as a preview and lists every control', async () => {
    const getPosture = jest.fn().mockResolvedValue({
      entityRef: 'component:default/cartservice',
      controls: ZERO_TRUST_CONTROLS.map(c => ({
        control: c.id,
        status: 'unknown',
        summary: 'Not evaluated',
        evidence: [],
      })),
      clusters: [],
      generatedAt: new Date().toISOString(),
    });
    await renderWith({ getPosture });
    expect(
      await screen.findByText(
        /Preview: 11 of 11 controls have no evidence yet/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Score: not available')).toBeInTheDocument();
    expect(screen.getByText('Mutual TLS')).toBeInTheDocument();
    expect(screen.getAllByLabelText('status: Unknown')).toHaveLength(
      ZERO_TRUST_CONTROLS.length,
    );
    expect(getPosture).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'cartservice',
    });
  });

  it('shows evaluated results without the preview banner', async () => {
    await renderWith({
      getPosture: async () => ({
        entityRef: 'component:default/cartservice',
        score: 100,
        controls: [
          { control: 'mtls', status: 'pass', summary: 'STRICT', evidence: [] },
        ],
        clusters: [],
        generatedAt: new Date().toISOString(),
      }),
    });
    expect(await screen.findByText('Score: 100/100')).toBeInTheDocument();
    expect(screen.getByLabelText('status: Pass')).toBeInTheDocument();
    expect(screen.queryByText(/Preview:/)).not.toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    await renderWith({
      getPosture: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      (await screen.findAllByText(/backend unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
