import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { useScrollToHash } from './useScrollToHash';

function Page(props: {
  ready: boolean;
  target: boolean;
  filler?: number;
  settleMs?: number;
}) {
  useScrollToHash(props.ready, props.settleMs ?? 5_000);
  return (
    <>
      {Array.from({ length: props.filler ?? 0 }, (_, i) => (
        <p key={i}>filler {i}</p>
      ))}
      {props.target && <section id="zt-admission">Admission</section>}
    </>
  );
}

const nextFrame = () =>
  act(() => new Promise<void>(resolve => setTimeout(resolve, 50)));

describe('useScrollToHash', () => {
  let scrolled: Element[];
  beforeEach(() => {
    scrolled = [];
    Element.prototype.scrollIntoView = jest.fn(function record(this: Element) {
      scrolled.push(this);
    });
  });

  const at = (hash: string, props: Parameters<typeof Page>[0]) =>
    render(
      <MemoryRouter initialEntries={[`/zero-trust${hash}`]}>
        <Page {...props} />
      </MemoryRouter>,
    );
  const rerender = (
    r: ReturnType<typeof at>,
    hash: string,
    props: Parameters<typeof Page>[0],
  ) =>
    r.rerender(
      <MemoryRouter initialEntries={[`/zero-trust${hash}`]}>
        <Page {...props} />
      </MemoryRouter>,
    );

  it('ignores a malformed fragment instead of failing the page', async () => {
    const r = at('#zt-%E0', { ready: true, target: true });
    await nextFrame();
    expect(scrolled).toHaveLength(0);
    r.unmount();
  });

  it('waits for the data, then scrolls to the section', async () => {
    const r = at('#zt-admission', { ready: false, target: true });
    await nextFrame();
    expect(scrolled).toHaveLength(0);
    rerender(r, '#zt-admission', { ready: true, target: true });
    await waitFor(() => expect(scrolled.length).toBeGreaterThan(0));
    expect(scrolled[0].id).toBe('zt-admission');
    r.unmount();
  });

  it('scrolls once the section appears, after the data that loads last', async () => {
    const r = at('#zt-admission', { ready: true, target: false });
    await nextFrame();
    expect(scrolled).toHaveLength(0);
    rerender(r, '#zt-admission', { ready: true, target: true });
    await waitFor(() =>
      expect(scrolled.map(e => e.id)).toContain('zt-admission'),
    );
    r.unmount();
  });

  it('scrolls again when content above grows, until the user scrolls', async () => {
    const r = at('#zt-admission', { ready: true, target: true });
    await waitFor(() => expect(scrolled).toHaveLength(1));
    rerender(r, '#zt-admission', { ready: true, target: true, filler: 3 });
    await waitFor(() => expect(scrolled).toHaveLength(2));
    fireEvent.wheel(window);
    rerender(r, '#zt-admission', { ready: true, target: true, filler: 6 });
    await nextFrame();
    expect(scrolled).toHaveLength(2);
    r.unmount();
  });

  it.each([
    [1_000, 1],
    [60_000, 2],
  ])(
    'stops keeping the section in view after the settle time (%i ms: %i scrolls)',
    async (settleMs, scrolls) => {
      jest.useFakeTimers();
      try {
        const props = { ready: true, target: true, settleMs };
        const r = at('#zt-admission', props);
        expect(scrolled).toHaveLength(1);
        act(() => {
          jest.advanceTimersByTime(5_000);
        });
        rerender(r, '#zt-admission', { ...props, filler: 2 });
        // Deliver the mutation records (a microtask), then the animation frame.
        await act(async () => {
          await Promise.resolve();
        });
        act(() => {
          jest.advanceTimersByTime(100);
        });
        expect(scrolled).toHaveLength(scrolls);
        r.unmount();
      } finally {
        jest.useRealTimers();
      }
    },
  );

  it('ignores fragments that are not a Zero Trust section', async () => {
    const r = at('#top', { ready: true, target: true });
    await nextFrame();
    expect(scrolled).toHaveLength(0);
    r.unmount();
  });
});
