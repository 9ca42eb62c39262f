import { renderInTestApp } from '@backstage/test-utils';
import { createTheme } from '@material-ui/core/styles';
import { getContrastRatio } from '@material-ui/core/styles/colorManipulator';
import { screen } from '@testing-library/react';
import { CONTROL_STATUSES } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ControlStatusChip, statusColors } from './ControlStatusChip';

describe('ControlStatusChip', () => {
  it('labels every status as the API spells it, each with its own chip', async () => {
    await renderInTestApp(
      <>
        {CONTROL_STATUSES.map(s => (
          <ControlStatusChip key={s} status={s} />
        ))}
      </>,
    );
    for (const status of CONTROL_STATUSES) {
      const chip = screen.getByRole('img', { name: `status: ${status}` });
      expect(chip).toHaveTextContent(status);
    }
    const titles = CONTROL_STATUSES.map(s =>
      screen.getByRole('img', { name: `status: ${s}` }).getAttribute('title'),
    );
    expect(new Set(titles).size).toBe(CONTROL_STATUSES.length);
    expect(
      screen.getByRole('img', { name: 'status: not-applicable' }),
    ).toHaveAttribute(
      'title',
      'not-applicable: evaluated, nothing to judge (left out of the score)',
    );
  });

  it('gives pass, warn and fail text a contrast of at least 4.5:1', () => {
    for (const type of ['light', 'dark'] as const) {
      const colors = statusColors(createTheme({ palette: { type } }));
      for (const { background, text } of Object.values(colors)) {
        expect(getContrastRatio(background, text)).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
