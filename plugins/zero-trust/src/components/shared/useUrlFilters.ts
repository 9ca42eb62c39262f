import { useCallback } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';

/**
 * Filter values kept in the page URL's query (`?admissionResult=all&sbomLicense=MIT`), so a
 * filtered view survives a reload and can be shared. Keys name their table, as several tables
 * share one page; a value equal to its default is left out of the URL.
 *
 * Writing replaces the history entry (a filter change is not a page to go back to) and keeps the
 * `#zt-…` fragment, so a shared link still lands on the section it filters.
 */
export function useUrlFilters<K extends string>(
  defaults: Record<K, string>,
): [Record<K, string>, (changes: Partial<Record<K, string>>) => void] {
  const [searchParams] = useSearchParams();
  const { pathname, search, hash } = useLocation();
  const navigate = useNavigate();
  const values = Object.fromEntries(
    (Object.keys(defaults) as K[]).map(key => [
      key,
      searchParams.get(key) ?? defaults[key],
    ]),
  ) as Record<K, string>;
  const defaultsKey = JSON.stringify(defaults);
  const set = useCallback(
    (changes: Partial<Record<K, string>>) => {
      const defaultValues = JSON.parse(defaultsKey) as Record<K, string>;
      const next = new URLSearchParams(search);
      for (const [key, value] of Object.entries(changes) as [K, string][]) {
        if (value === undefined || value === defaultValues[key]) {
          next.delete(key);
        } else {
          next.set(key, value);
        }
      }
      const query = next.toString();
      if (`?${query}` === search || (!query && !search)) return;
      navigate(
        { pathname, search: query ? `?${query}` : '', hash },
        { replace: true },
      );
    },
    [navigate, pathname, search, hash, defaultsKey],
  );
  return [values, set];
}
