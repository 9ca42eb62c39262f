import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import TablePagination from '@material-ui/core/TablePagination';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { SbomDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { zeroTrustApiRef } from '../../api';
import { breakable } from '../shared/breakable';
import { SimpleTable } from '../shared/SimpleTable';
import { ALL, FilterOption, FilterSelect } from '../shared/FilterSelect';
import { useUrlFilters } from '../shared/useUrlFilters';
import { saveBlob } from '../shared/format';

/** Component types over the usable BOMs, as the sbom control counted them. */
function typeOptions(details?: SbomDetails): FilterOption[] {
  const counts = new Map<string, number>();
  for (const image of details?.images ?? []) {
    if (image.invalid) continue;
    for (const [type, n] of Object.entries(image.types ?? {})) {
      counts.set(type, (counts.get(type) ?? 0) + n);
    }
  }
  return [...counts]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([value, count]) => ({ value, count }));
}

/**
 * Licenses as the sbom control counted them. `unknown` stands for "none declared", which the
 * route's license filter (a substring of a declared license) cannot match, so it is not offered.
 */
function licenseOptions(details?: SbomDetails): FilterOption[] {
  return (details?.licenses ?? [])
    .filter(l => l.license !== 'unknown' && l.count > 0)
    .map(l => ({ value: l.license, count: l.count }));
}

const URL_DEFAULTS = { sbomName: '', sbomType: ALL, sbomLicense: ALL };

/**
 * The components of the entity's SBOMs: searched, filtered by type and license and paged on the
 * server, so only one page is ever rendered whatever the size; downloadable as CycloneDX. The
 * search and filters live in the URL (`?sbomName=&sbomType=&sbomLicense=`) and the filters offer
 * only values the entity's SBOMs contain, with their counts.
 */
export function SbomViewer(props: {
  entity: CompoundEntityRef;
  details?: SbomDetails;
}) {
  const api = useApi(zeroTrustApiRef);
  const [filters, setFilters] = useUrlFilters(URL_DEFAULTS);
  const { sbomName: name, sbomType: type, sbomLicense: license } = filters;
  const [search, setSearch] = useState(name);
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(25);
  const [downloadError, setDownloadError] = useState<Error>();
  useDebounce(
    () => {
      if (search === name) return;
      setFilters({ sbomName: search });
      setPage(0);
    },
    250,
    [search],
  );
  const { value, loading, error } = useAsync(
    () =>
      api.getSbom(props.entity, {
        name: name || undefined,
        type: type === ALL ? undefined : type,
        license: license === ALL ? undefined : license,
        offset: page * rowsPerPage,
        limit: rowsPerPage,
      }),
    [api, props.entity, name, type, license, page, rowsPerPage],
  );

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
          <FilterSelect
            id="zt-sbom-type"
            label="Type"
            value={type}
            options={typeOptions(props.details)}
            onChange={v => {
              setFilters({ sbomType: v });
              setPage(0);
            }}
          />
          <FilterSelect
            id="zt-sbom-license"
            label="License"
            value={license}
            options={licenseOptions(props.details)}
            onChange={v => {
              setFilters({ sbomLicense: v });
              setPage(0);
            }}
          />
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
                <code>{c.purl ? breakable(c.purl) : '—'}</code>,
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
