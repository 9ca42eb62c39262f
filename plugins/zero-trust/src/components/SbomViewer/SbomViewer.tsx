import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { SbomDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { zeroTrustApiRef } from '../../api';
import { SimpleTable } from '../shared/SimpleTable';
import { saveBlob } from '../shared/format';

const TYPES = [
  'all',
  'library',
  'application',
  'framework',
  'operating-system',
  'container',
  'file',
];

/**
 * The components of the entity's SBOMs: searched, filtered by type and license and paged on the
 * server, so only one page is ever rendered whatever the size; downloadable as CycloneDX.
 */
export function SbomViewer(props: {
  entity: CompoundEntityRef;
  details?: SbomDetails;
}) {
  const api = useApi(zeroTrustApiRef);
  const [search, setSearch] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('all');
  const [license, setLicense] = useState('all');
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(25);
  const [downloadError, setDownloadError] = useState<Error>();
  useDebounce(
    () => {
      setName(search);
      setPage(0);
    },
    250,
    [search],
  );
  const { value, loading, error } = useAsync(
    () =>
      api.getSbom(props.entity, {
        name: name || undefined,
        type: type === 'all' ? undefined : type,
        license: license === 'all' ? undefined : license,
        offset: page * rowsPerPage,
        limit: rowsPerPage,
      }),
    [api, props.entity, name, type, license, page, rowsPerPage],
  );
  const licenses = [
    'all',
    ...(props.details?.licenses ?? []).map(l => l.license),
  ];

  const download = async () => {
    try {
      saveBlob(
        await api.downloadSbom(props.entity),
        `${props.entity.name}.cdx.json`,
      );
    } catch (e) {
      setDownloadError(e as Error);
    }
  };

  return (
    <section aria-label="SBOM">
      <InfoCard
        title="SBOM"
        subheader={
          value
            ? `${value.total} component(s) in ${value.images.length} image(s)`
            : 'Components of the running images (Trivy SbomReports)'
        }
        action={
          <Button variant="outlined" size="small" onClick={download}>
            Download CycloneDX
          </Button>
        }
      >
        {downloadError && <ResponseErrorPanel error={downloadError} />}
        <div style={{ display: 'flex', gap: 16, marginBottom: 8 }}>
          <TextField
            size="small"
            label="Search components"
            value={search}
            onChange={e => setSearch(e.target.value)}
            inputProps={{ 'aria-label': 'Search components' }}
          />
          <TextField
            select
            size="small"
            label="Type"
            value={type}
            style={{ minWidth: 160 }}
            onChange={e => {
              setType(e.target.value);
              setPage(0);
            }}
          >
            {TYPES.map(t => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            size="small"
            label="License"
            value={license}
            style={{ minWidth: 160 }}
            onChange={e => {
              setLicense(e.target.value);
              setPage(0);
            }}
          >
            {licenses.map(l => (
              <MenuItem key={l} value={l}>
                {l}
              </MenuItem>
            ))}
          </TextField>
        </div>
        {loading && <LinearProgress aria-label="Loading components" />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <>
            {value.images.map(i => (
              <Typography key={i.report} variant="caption" component="p">
                {i.container ? `${i.container}: ` : ''}
                {i.image}
                {i.digest ? ` @ ${i.digest}` : ''}
              </Typography>
            ))}
            <SimpleTable
              label="SBOM components"
              columns={['Name', 'Version', 'Type', 'Licenses', 'Package URL']}
              empty="No component matches."
              rows={value.items.map(c => [
                c.group ? `${c.group}/${c.name}` : c.name,
                c.version ?? '—',
                c.type,
                c.licenses.join(', ') || 'unknown',
                <code style={{ wordBreak: 'break-all' }}>{c.purl ?? '—'}</code>,
              ])}
            />
            <TablePagination
              component="div"
              count={value.total}
              page={page}
              rowsPerPage={rowsPerPage}
              rowsPerPageOptions={[25, 50, 100]}
              onPageChange={(_e, p) => setPage(p)}
              onRowsPerPageChange={e => {
                setRowsPerPage(Number(e.target.value));
                setPage(0);
              }}
            />
          </>
        )}
      </InfoCard>
    </section>
  );
}
