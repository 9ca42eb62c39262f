import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { currencyservice } from '../../__fixtures__/postures';
import { EvidenceMatrix } from './EvidenceMatrix';

describe('EvidenceMatrix', () => {
  it('lists one row per object with kind, namespace/name, cluster, resource version and observed at', async () => {
    await renderInTestApp(<EvidenceMatrix posture={currencyservice} />);
    const row = screen.getByText('istio-system/default').closest('tr')!;
    const cells = within(row).getAllByRole('cell');
    expect(cells.map(c => c.textContent)).toEqual([
      'Mutual TLS',
      'pass',
      'PeerAuthentication v1',
      'istio-system/default',
      'demo',
      '42',
      '2026-12-01T08:00:00Z',
    ]);
    // Every object has its own row; a control without objects keeps one row.
    const rows = within(
      screen.getByRole('region', { name: 'Evidence matrix' }),
    ).getAllByRole('row');
    expect(rows.slice(1)).toHaveLength(
      currencyservice.controls.reduce(
        (n, c) => n + Math.max(1, c.evidence.length),
        0,
      ),
    );
    const rollout = rows.find(r => r.textContent?.includes('Progressive'))!;
    expect(rollout).toHaveTextContent('no object');
    // No Kubernetes tab known: no link.
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('links each object to the Kubernetes tab when the entity has one', async () => {
    const multi = {
      ...currencyservice,
      controls: currencyservice.controls.map(c =>
        c.control === 'mtls'
          ? {
              ...c,
              evidence: [
                ...c.evidence,
                { ...c.evidence[0], name: 'second', uid: 'u2' },
              ],
            }
          : c,
      ),
    } as typeof currencyservice;
    await renderInTestApp(
      <EvidenceMatrix
        posture={multi}
        kubernetesTab="/catalog/default/component/currencyservice/kubernetes"
      />,
    );
    const links = screen.getAllByRole('link', {
      name: /on the Kubernetes tab$/,
    });
    expect(links).toHaveLength(
      multi.controls.reduce((n, c) => n + c.evidence.length, 0),
    );
    const second = screen.getByRole('link', {
      name: 'istio-system/second, on the Kubernetes tab',
    });
    expect(second).toHaveAttribute(
      'href',
      '/catalog/default/component/currencyservice/kubernetes',
    );
    // Two objects of one control are two rows, not one comma list.
    expect(second.closest('tr')).not.toBe(
      screen.getByText('istio-system/default').closest('tr'),
    );
  });
});
