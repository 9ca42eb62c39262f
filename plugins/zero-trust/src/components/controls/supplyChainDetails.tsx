import Typography from '@material-ui/core/Typography';
import {
  AdmissionDetails,
  AdmissionFinding,
  SbomDetails,
  VulnerabilityDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { ALL, FilterSelect, optionsFrom } from '../shared/FilterSelect';
import { useUrlFilters } from '../shared/useUrlFilters';

// Results worst first, the order the Result filter offers them in.
const RESULTS = ['fail', 'error', 'warn', 'pass', 'skip'];

const rank = (result: string) => {
  const i = RESULTS.indexOf(result);
  return i === -1 ? RESULTS.length : i;
};

const severityOf = (f: AdmissionFinding) => f.severity ?? 'none';

type AdmissionFilters = {
  admissionResult: string;
  admissionPolicy: string;
  admissionSeverity: string;
};

/** Whether a finding passes the filters, leaving out the filter named `except`. */
const matches = (
  f: AdmissionFinding,
  filters: AdmissionFilters,
  except?: keyof AdmissionFilters,
) =>
  (except === 'admissionResult' ||
    filters.admissionResult === ALL ||
    f.result === filters.admissionResult) &&
  (except === 'admissionPolicy' ||
    filters.admissionPolicy === ALL ||
    f.policy === filters.admissionPolicy) &&
  (except === 'admissionSeverity' ||
    filters.admissionSeverity === ALL ||
    severityOf(f) === filters.admissionSeverity);

/**
 * Policy results, filterable by result, policy and severity; failures first. Each filter offers
 * the values found among the findings the other two filters leave, with their counts, so no
 * choice empties the table. The filters live in the URL (`?admissionResult=all`); without one,
 * the table shows the failures when there are any, else everything.
 */
export function AdmissionDetailsView({
  details,
}: {
  details: AdmissionDetails;
}) {
  const hasFailures = details.findings.some(f => f.result === 'fail');
  const [filters, setFilters] = useUrlFilters<keyof AdmissionFilters>({
    admissionResult: hasFailures ? 'fail' : ALL,
    admissionPolicy: ALL,
    admissionSeverity: ALL,
  });
  const facet = (
    key: keyof AdmissionFilters,
    valueOf: (f: AdmissionFinding) => string,
  ) =>
    optionsFrom(
      details.findings.filter(f => matches(f, filters, key)),
      valueOf,
    );
  const resultOptions = facet('admissionResult', f => f.result).sort(
    (a, b) => rank(a.value) - rank(b.value),
  );
  const rows = details.findings
    .filter(f => matches(f, filters))
    .sort((a, b) => rank(a.result) - rank(b.result));
  const { counts } = details;
  return (
    <>
      <Typography variant="body2" paragraph>
        {counts.fail} failed, {counts.warn} warned, {counts.error} errors,{' '}
        {counts.pass} passed, {counts.skip} skipped.
      </Typography>
      <div style={{ display: 'flex', gap: 16, marginBottom: 8 }}>
        <FilterSelect
          id="zt-admission-result"
          label="Result"
          value={filters.admissionResult}
          options={resultOptions}
          onChange={v => setFilters({ admissionResult: v })}
        />
        <FilterSelect
          id="zt-admission-policy"
          label="Policy"
          value={filters.admissionPolicy}
          options={facet('admissionPolicy', f => f.policy)}
          onChange={v => setFilters({ admissionPolicy: v })}
        />
        <FilterSelect
          id="zt-admission-severity"
          label="Severity"
          value={filters.admissionSeverity}
          options={facet('admissionSeverity', severityOf)}
          onChange={v => setFilters({ admissionSeverity: v })}
        />
      </div>
      <SimpleTable
        label="Policy results"
        columns={['Result', 'Policy / rule', 'Severity', 'Resource', 'Message']}
        empty="No result matches these filters."
        rows={rows.map(f => [
          f.result,
          f.rule ? `${f.policy} / ${f.rule}` : f.policy,
          f.severity ?? '—',
          f.resource,
          f.message ?? '',
        ])}
      />
    </>
  );
}

/** The scanned images and the most common licenses; the full list is in the SBOM viewer. */
export function SbomDetailsView({ details }: { details: SbomDetails }) {
  return (
    <>
      <SimpleTable
        label="Scanned images"
        columns={['Image', 'Digest', 'Components', 'Format']}
        empty="No SBOM for any image of this workload."
        rows={details.images.map(i => [
          i.container ? `${i.container}: ${i.image}` : i.image,
          i.digest ? <code>{i.digest.slice(0, 19)}…</code> : '—',
          i.truncated
            ? `${i.truncated.kept} of ${i.truncated.total} (truncated)`
            : i.components,
          i.invalid ? `not usable: ${i.invalid}` : i.format ?? i.scanner ?? '—',
        ])}
      />
      {(details.missing ?? []).length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Containers without an SBOM:{' '}
          {details.missing!.map(m => `${m.workload} ${m.container}`).join(', ')}
          .
        </Typography>
      )}
      {details.licenses.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Licenses:{' '}
          {details.licenses
            .slice(0, 6)
            .map(l => `${l.license} (${l.count})`)
            .join(', ')}
        </Typography>
      )}
    </>
  );
}

/** Counts by severity per image. */
export function VulnerabilityDetailsView({
  details,
}: {
  details: VulnerabilityDetails;
}) {
  const c = details.counts;
  return (
    <>
      <Typography variant="body2" paragraph>
        {c.critical} critical, {c.high} high, {c.medium} medium, {c.low} low;{' '}
        {details.fixable} with a fix available.
      </Typography>
      <SimpleTable
        label="Vulnerabilities per image"
        columns={['Image', 'Critical', 'High', 'Medium', 'Low']}
        empty="No vulnerability report for any image of this workload."
        rows={details.images.map(i => [
          i.container ? `${i.container}: ${i.image}` : i.image,
          i.counts.critical,
          i.counts.high,
          i.counts.medium,
          i.counts.low,
        ])}
      />
    </>
  );
}
