import { InfoCard, Link, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import TablePagination from '@material-ui/core/TablePagination';
import {
  SEVERITIES,
  SeverityCounts,
  VulnerabilityDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import { breakable } from '../shared/breakable';
import { SimpleTable } from '../shared/SimpleTable';
import { ALL, FilterOption, FilterSelect } from '../shared/FilterSelect';
import { useUrlFilters } from '../shared/useUrlFilters';

type Severity = keyof SeverityCounts;

/**
 * "At least" choices: each severity some finding has, with the number of findings at it or worse
 * (what the filter leaves). A severity no finding has is left out: it would only repeat the next
 * worse one.
 */
export function severityOptions(counts?: SeverityCounts): FilterOption[] {
  if (!counts) return [];
  let atLeast = 0;
  return SEVERITIES.flatMap(s => {
    atLeast += counts[s];
    return counts[s] > 0 ? [{ value: s, count: atLeast }] : [];
  });
}

const URL_DEFAULTS = { vulnSeverity: ALL, vulnFixable: '' };

/**
 * Findings of the running images, most severe first, with the version that fixes each. The
 * filters live in the URL (`?vulnSeverity=high&vulnFixable=true`) and offer only what the
 * findings contain: the severities present, and "Fix available" when some finding has a fix.
 */
export function VulnerabilitiesCard(props: {
  entity: CompoundEntityRef;
  /** The vulnerabilities control's details, for the number of findings with a fix. */
  details?: VulnerabilityDetails;
}) {
  const api = useApi(zeroTrustApiRef);
  const [filters, setFilters] = useUrlFilters(URL_DEFAULTS);
  // A value from the URL is only used when it names a severity.
  const minSeverity = (SEVERITIES as readonly string[]).includes(
    filters.vulnSeverity,
  )
    ? filters.vulnSeverity
    : ALL;
  const fixable = filters.vulnFixable === 'true';
  const [page, setPage] = useState(0);
  const { value, loading, error } = useAsync(
    () =>
      api.getVulnerabilities(props.entity, {
        minSeverity:
          minSeverity === ALL ? undefined : (minSeverity as Severity),
        fixable: fixable || undefined,
        offset: page * 25,
        limit: 25,
      }),
    [api, props.entity, minSeverity, fixable, page],
  );
  // Counts are over every finding, before filters: stable while filtering.
  const counts = value?.counts;
  const total = counts ? SEVERITIES.reduce((n, s) => n + counts[s], 0) : 0;
  const withFix = props.details?.fixable;
  return (
    <section aria-label="Vulnerabilities">
      <InfoCard
        title="Vulnerabilities"
        subheader={
          counts
            ? SEVERITIES.map(s => `${counts[s]} ${s}`).join(', ')
            : 'Trivy VulnerabilityReports of the running images'
        }
      >
        <div
          style={{
            display: 'flex',
            gap: 16,
            marginBottom: 8,
            alignItems: 'center',
          }}
        >
          <FilterSelect
            id="zt-vulnerabilities-severity"
            label="At least"
            value={minSeverity}
            options={severityOptions(counts)}
            allLabel={`any severity${counts ? ` (${total})` : ''}`}
            onChange={v => {
              setFilters({ vulnSeverity: v });
              setPage(0);
            }}
          />
          {(fixable || (withFix ?? 0) > 0) && (
            <FormControlLabel
              control={
                <Checkbox
                  checked={fixable}
                  onChange={e => {
                    setFilters({ vulnFixable: e.target.checked ? 'true' : '' });
                    setPage(0);
                  }}
                />
              }
              label={`Fix available${
                withFix === undefined ? '' : ` (${withFix})`
              }`}
            />
          )}
        </div>
        {loading && <LinearProgress aria-label="Loading vulnerabilities" />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <>
            <SimpleTable
              label="Vulnerabilities"
              columns={[
                'Severity',
                'ID',
                'Package',
                'Installed',
                'Fixed in',
                'Image',
              ]}
              empty="No vulnerability matches."
              rows={value.items.map(v => [
                v.severity,
                v.link ? <Link to={v.link}>{breakable(v.id)}</Link> : v.id,
                v.resource,
                v.installedVersion ?? '—',
                v.fixedVersion ?? 'no fix yet',
                v.container ? `${v.container}: ${v.image}` : v.image,
              ])}
            />
            <TablePagination
              component="div"
              count={value.total}
              page={page}
              rowsPerPage={25}
              rowsPerPageOptions={[25]}
              onPageChange={(_e, p) => setPage(p)}
            />
          </>
        )}
      </InfoCard>
    </section>
  );
}
