import Typography from '@material-ui/core/Typography';
import {
  AuthorizationDetails,
  MtlsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { formatLocation } from '../shared/format';

/** mTLS per workload: data plane, effective mode and where it comes from, port overrides. */
export function MtlsDetailsView({ details }: { details: MtlsDetails }) {
  return (
    <SimpleTable
      label="mTLS per workload"
      columns={[
        'Workload',
        'Data plane',
        'Mode',
        'Decided by',
        'Port overrides',
      ]}
      empty="No pods of this workload are running."
      rows={details.workloads.map(w => [
        `${w.namespace}/${w.workload} (${w.pods} pods)`,
        w.enrolledBy ? `${w.dataplane} (${w.enrolledBy})` : w.dataplane,
        <strong>{w.mode}</strong>,
        w.modeSource.policy
          ? `${w.modeSource.level}: ${formatLocation(w.modeSource.policy)}`
          : `${w.modeSource.level} (Istio default PERMISSIVE)`,
        w.portModes.map(p => `${p.port}: ${p.mode}`).join(', ') || '—',
      ])}
    />
  );
}

const sources = (r: AuthorizationDetails['policies'][0]['rules'][0]) =>
  r.anySource
    ? 'any caller'
    : [
        ...r.principals,
        ...r.namespaces.map(n => `namespace ${n}`),
        ...r.ipBlocks,
      ].join(', ') || '—';

const operations = (r: AuthorizationDetails['policies'][0]['rules'][0]) =>
  [
    r.ports.length ? `ports ${r.ports.join(', ')}` : '',
    r.methods.length ? r.methods.join(', ') : '',
    r.paths.length ? r.paths.join(', ') : '',
    r.notPaths.length ? `not ${r.notPaths.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ') || 'any operation';

/** The AuthorizationPolicies that apply, one row per rule. */
export function AuthorizationDetailsView({
  details,
}: {
  details: AuthorizationDetails;
}) {
  return (
    <>
      <Typography variant="body2" paragraph>
        {details.denyByDefault
          ? 'Requests no ALLOW rule matches are denied.'
          : 'No ALLOW policy applies: every caller that passes mTLS is allowed.'}
        {details.waypoint &&
          ` L7 rules are enforced by the waypoint ${formatLocation(
            details.waypoint,
          )}.`}
      </Typography>
      <SimpleTable
        label="Authorization rules"
        columns={['Policy', 'Action', 'Scope', 'From', 'To']}
        empty="No AuthorizationPolicy applies to this workload."
        rows={details.policies.flatMap(p =>
          (p.rules.length ? p.rules : [undefined]).map(r => [
            formatLocation(p),
            p.action,
            p.scope,
            r ? sources(r) : 'nothing (allow-nothing)',
            r ? operations(r) : '—',
          ]),
        )}
      />
    </>
  );
}
