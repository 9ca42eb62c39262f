import { InfoCard, Link, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import { SeverityCounts } from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import { SimpleTable } from '../shared/SimpleTable';

const SEVERITIES: (keyof SeverityCounts)[] = [
  'critical',
  'high',
  'medium',
  'low',
  'unknown',
];

/** Findings of the running images, most severe first, with the version that fixes each. */
export function VulnerabilitiesCard(props: { entity: CompoundEntityRef }) {
  const api = useApi(zeroTrustApiRef);
  const [minSeverity, setMinSeverity] =
    useState<keyof SeverityCounts>('unknown');
  const [fixable, setFixable] = useState(false);
  const [page, setPage] = useState(0);
  const { value, loading, error } = useAsync(
    () =>
      api.getVulnerabilities(props.entity, {
        minSeverity,
        fixable: fixable || undefined,
        offset: page * 25,
        limit: 25,
      }),
    [api, props.entity, minSeverity, fixable, page],
  );
  return (
    <InfoCard
      title="Vulnerabilities"
      subheader={
        value
          ? SEVERITIES.map(s => `${value.counts[s]} ${s}`).join(', ')
          : 'Trivy VulnerabilityReports of the running images'
      }
    >
      <div style={{ display: 'flex', gap: 16, marginBottom: 8 }}>
        <TextField
          select
          size="small"
          label="At least"
          value={minSeverity}
          style={{ minWidth: 140 }}
          onChange={e => {
            setMinSeverity(e.target.value as keyof SeverityCounts);
            setPage(0);
          }}
        >
          {SEVERITIES.map(s => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Checkbox
              checked={fixable}
              onChange={e => {
                setFixable(e.target.checked);
                setPage(0);
              }}
            />
          }
          label="Fix available"
        />
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
              v.link ? <Link to={v.link}>{v.id}</Link> : v.id,
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
  );
}
