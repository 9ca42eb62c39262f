import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  AdmissionDetails,
  SbomDetails,
  VulnerabilityDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import { SimpleTable } from '../shared/SimpleTable';

const RESULTS = ['all', 'fail', 'warn', 'error', 'pass', 'skip'];

/** Policy results, filterable by result, policy and severity; failures first. */
export function AdmissionDetailsView({
  details,
}: {
  details: AdmissionDetails;
}) {
  const [result, setResult] = useState('fail');
  const [policy, setPolicy] = useState('all');
  const [severity, setSeverity] = useState('all');
  const policies = ['all', ...new Set(details.findings.map(f => f.policy))];
  const severities = [
    'all',
    ...new Set(details.findings.map(f => f.severity ?? 'none')),
  ];
  const rows = details.findings.filter(
    f =>
      (result === 'all' || f.result === result) &&
      (policy === 'all' || f.policy === policy) &&
      (severity === 'all' || (f.severity ?? 'none') === severity),
  );
  const select = (
    label: string,
    value: string,
    options: string[],
    onChange: (v: string) => void,
  ) => (
    <TextField
      select
      size="small"
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth: 140, marginRight: 16 }}
    >
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
  const { counts } = details;
  return (
    <>
      <Typography variant="body2" paragraph>
        {counts.fail} failed, {counts.warn} warned, {counts.error} errors,{' '}
        {counts.pass} passed, {counts.skip} skipped.
      </Typography>
      <div style={{ marginBottom: 8 }}>
        {select('Result', result, RESULTS, setResult)}
        {select('Policy', policy, policies, setPolicy)}
        {select('Severity', severity, severities, setSeverity)}
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
