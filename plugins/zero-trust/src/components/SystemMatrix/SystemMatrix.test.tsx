import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  ComponentPosture,
  ControlId,
  ControlStatus,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SystemMatrix, worstFirst } from './SystemMatrix';

const component = (
  name: string,
  score: number | undefined,
  statuses: Partial<Record<ControlId, ControlStatus>>,
): ComponentPosture => ({
  entityRef: `component:default/${name}`,
  score,
  controls: Object.entries(statuses).map(([control, status]) => ({
    control: control as ControlId,
    status: status!,
    summary: `${name} ${control} is ${status}`,
    evidence: 2,
  })),
});

const components = [
  component('cartservice', 100, { mtls: 'pass', admission: 'pass' }),
  component('emailservice', 89, { mtls: 'pass', vulnerabilities: 'warn' }),
  component('adservice', 59, {
    mtls: 'pass',
    admission: 'fail',
    vulnerabilities: 'warn',
    runtime: 'warn',
    rollout: 'not-applicable',
  }),
  component('paymentservice', 59, { mtls: 'fail', admission: 'pass' }),
  component('redis', undefined, { mtls: 'not-installed' }),
  component('frontend', 75, { mtls: 'pass', secrets: 'forbidden' }),
];

const names = (rows: ComponentPosture[]) =>
  rows.map(r => r.entityRef.replace('component:default/', ''));

describe('worstFirst', () => {
  it('orders by worst status, then failures, warnings and score', () => {
    expect(names(worstFirst(components))).toEqual([
      'adservice',
      'paymentservice',
      'emailservice',
      'frontend',
      'redis',
      'cartservice',
    ]);
  });
});

describe('SystemMatrix', () => {
  const render = () =>
    renderInTestApp(
      <SystemMatrix components={components} tabPath="/zero-trust" />,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

  it('shows one row per component, worst first, with score, worst status and what fails or warns', async () => {
    await render();
    const table = screen.getByRole('table', { name: 'Components by control' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(names(worstFirst(components)));
    const ad = within(rows[0]).getAllByRole('cell');
    expect(ad[1]).toHaveTextContent(/^59$/);
    expect(within(ad[2]).getByRole('img')).toHaveAccessibleName('status: fail');
    expect(
      within(ad[3])
        .getAllByRole('link')
        .map(l => [l.textContent, l.getAttribute('href')]),
    ).toEqual([
      [
        'Admission policy',
        '/catalog/default/component/adservice/zero-trust#zt-admission',
      ],
      [
        'Vulnerabilities',
        '/catalog/default/component/adservice/zero-trust#zt-vulnerabilities',
      ],
      [
        'Runtime alerts',
        '/catalog/default/component/adservice/zero-trust#zt-runtime',
      ],
    ]);
    expect(ad[4]).toHaveTextContent('1 pass, 1 not-applicable');
    // A component with no score reads a dash, not an empty cell.
    expect(within(rows[4]).getAllByRole('cell')[1]).toHaveTextContent('—');
  });

  it('opens every control of a component with a focusable button, not a tooltip', async () => {
    await render();
    const toggle = screen.getByRole('button', { name: 'Details of adservice' });
    // A native button: in the tab order, and Enter or Space activate it.
    expect(toggle.tagName).toBe('BUTTON');
    toggle.focus();
    expect(toggle).toHaveFocus();
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText(/adservice admission is fail/)).toBeNull();

    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = document.getElementById(
      toggle.getAttribute('aria-controls')!,
    )!;
    const list = within(details).getByRole('list', {
      name: 'Controls of adservice',
    });
    const items = within(list).getAllByRole('listitem');
    // Worst first, each with its summary and evidence count as text.
    expect(items.map(i => i.textContent)).toEqual([
      'fail Admission policy: adservice admission is fail (2 objects)',
      'warn Vulnerabilities: adservice vulnerabilities is warn (2 objects)',
      'warn Runtime alerts: adservice runtime is warn (2 objects)',
      'pass Mutual TLS: adservice mtls is pass (2 objects)',
      'not-applicable Progressive delivery: adservice rollout is not-applicable (2 objects)',
    ]);
    // No detail hides in a title attribute only.
    expect(details.querySelectorAll('[title]:not([role="img"])')).toHaveLength(
      0,
    );
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText(/adservice admission is fail/)).toBeNull();
  });

  it('keeps every number on one line', async () => {
    await render();
    const table = screen.getByRole('table', { name: 'Components by control' });
    for (const row of within(table).getAllByRole('row').slice(1)) {
      expect(within(row).getAllByRole('cell')[1]).toHaveStyle({
        whiteSpace: 'nowrap',
      });
    }
  });

  it('says when the system has no components', async () => {
    await renderInTestApp(<SystemMatrix components={[]} />);
    expect(
      screen.getByText('The system has no components you can see.'),
    ).toBeInTheDocument();
  });
});
