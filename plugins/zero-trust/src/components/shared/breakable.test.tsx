import { render } from '@testing-library/react';
import { breakable } from './breakable';

describe('breakable', () => {
  it('offers a break after each separator and keeps the text as it was', () => {
    const { container } = render(
      <span>{breakable('online-boutique/adservice-66bfb7c599')}</span>,
    );
    expect(container.textContent).toBe('online-boutique/adservice-66bfb7c599');
    expect(container.querySelectorAll('wbr')).toHaveLength(3);
    expect(container.innerHTML).toBe(
      '<span>online-<wbr>boutique/<wbr>adservice-<wbr>66bfb7c599</span>',
    );
  });

  it('leaves a name without separators as a plain string', () => {
    expect(breakable('cartservice')).toBe('cartservice');
  });
});
