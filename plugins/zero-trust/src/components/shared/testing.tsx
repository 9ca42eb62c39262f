import { useLocation } from 'react-router-dom';

/** Renders the current location, for tests of what a component writes to the URL. */
export function LocationProbe() {
  const { pathname, search, hash } = useLocation();
  return (
    <output data-testid="location">{`${pathname}${search}${hash}`}</output>
  );
}

/** The query of the location the probe shows, as URLSearchParams. */
export function probedSearch(text: string | null): URLSearchParams {
  const query = (text ?? '').split('?')[1]?.split('#')[0] ?? '';
  return new URLSearchParams(query);
}
