import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';

/** How long a followed link keeps its section in view while the page around it settles. */
export const SCROLL_SETTLE_MS = 10_000;

// What a user does to scroll by themselves; from then on the page is theirs.
const USER_SCROLL_EVENTS = ['wheel', 'touchstart', 'keydown', 'mousedown'];

/**
 * Scrolls to the section a `#zt-…` link names once `ready`, and keeps it in view while the page
 * settles: the section may not exist yet (data still loading after the navigation), and cards
 * above it grow as their own data arrives, which would push it out of view after a single
 * scroll. Every DOM or size change re-scrolls to it, until the user scrolls, clicks or types, or
 * `settleMs` have passed.
 */
export function useScrollToHash(ready: boolean, settleMs = SCROLL_SETTLE_MS) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash.startsWith('#zt-')) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(hash.slice(1));
    } catch {
      return undefined; // a malformed fragment (`#zt-%E0`) names no section
    }
    let frame: number | undefined;
    const scroll = () => {
      frame = undefined;
      document.getElementById(id)?.scrollIntoView?.({ block: 'start' });
    };
    // One scroll per frame however many changes arrive in it.
    const schedule = () => {
      if (frame === undefined) frame = requestAnimationFrame(scroll);
    };
    const mutations = new MutationObserver(schedule);
    mutations.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      characterData: true,
    });
    // Size changes without a DOM change: images, fonts, transitions ending.
    const sizes =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(schedule);
    sizes?.observe(document.body);
    const stop = () => {
      mutations.disconnect();
      sizes?.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      USER_SCROLL_EVENTS.forEach(e =>
        window.removeEventListener(e, stop, true),
      );
    };
    USER_SCROLL_EVENTS.forEach(e =>
      window.addEventListener(e, stop, { capture: true, passive: true }),
    );
    // Stopping twice (user first, then the timer) is harmless.
    const timer = setTimeout(stop, settleMs);
    scroll();
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [ready, hash, settleMs]);
}
