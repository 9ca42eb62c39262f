import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { currencyservice } from '../../__fixtures__/postures';
import { OverviewCard } from './OverviewCard';

describe('OverviewCard', () => {
  it('lists one control a line, worst first, each linking to its section of the tab', async () => {
    await renderInTestApp(
      <OverviewCard posture={currencyservice} linkTo="zero-trust" />,
    );
    const items = within(
      screen.getByRole('list', { name: 'Controls' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(currencyservice.controls.length);
    expect(
      items.map(i => within(i).getByRole('img').getAttribute('aria-label')),
    ).toEqual([
      'status: fail',
      'status: fail',
      'status: warn',
      'status: warn',
      'status: forbidden',
      'status: not-installed',
      'status: not-installed',
      'status: pass',
      'status: pass',
      'status: pass',
      'status: pass',
      'status: pass',
      'status: pass',
      'status: pass',
    ]);
    expect(within(items[0]).getByRole('link')).toHaveTextContent(
      'Admission policy',
    );
    expect(within(items[0]).getByRole('link').getAttribute('href')).toMatch(
      /zero-trust#zt-admission$/,
    );
    // One per line in the narrow info column.
    for (const item of items) {
      expect(item.className).toMatch(/grid-xs-12/);
      expect(item.className).not.toMatch(/grid-sm-6/);
    }
  });
});
