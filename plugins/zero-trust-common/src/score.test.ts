import { scoreControls } from './score';

describe('scoreControls', () => {
  it('weights pass, warn and fail', () => {
    expect(
      scoreControls([
        { status: 'pass' },
        { status: 'warn' },
        { status: 'fail' },
      ]),
    ).toBe(50);
    expect(scoreControls([{ status: 'pass' }, { status: 'pass' }])).toBe(100);
  });

  it('ignores controls without evidence', () => {
    expect(
      scoreControls([
        { status: 'pass' },
        { status: 'not-installed' },
        { status: 'forbidden' },
        { status: 'unknown' },
      ]),
    ).toBe(100);
  });

  it('has no score when nothing was evaluated', () => {
    expect(scoreControls([{ status: 'unknown' }])).toBeUndefined();
    expect(scoreControls([])).toBeUndefined();
  });
});
