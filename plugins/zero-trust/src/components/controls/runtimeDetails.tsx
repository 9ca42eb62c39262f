import Typography from '@material-ui/core/Typography';
import {
  IdentityDetails,
  RuntimeDetails,
  SecretsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { formatLocation } from '../shared/format';

/** ExternalSecrets and their sync state; Secrets referenced without one. */
export function SecretsDetailsView({ details }: { details: SecretsDetails }) {
  return (
    <>
      <SimpleTable
        label="ExternalSecrets"
        columns={['ExternalSecret', 'Secret', 'Store', 'Ready', 'Last refresh']}
        empty="No ExternalSecret for this workload."
        rows={details.externalSecrets.map(e => [
          formatLocation(e),
          e.target,
          e.store ?? '—',
          e.ready === 'True'
            ? 'Ready'
            : `${e.reason ?? 'Not ready'}${e.message ? `: ${e.message}` : ''}`,
          e.refreshTime ?? '—',
        ])}
      />
      {details.unmanagedSecretRefs.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Secrets the pods use that no ExternalSecret writes:{' '}
          {details.unmanagedSecretRefs.join(', ')}.
        </Typography>
      )}
    </>
  );
}

/** Falco alerts about the workload's pods. */
export function RuntimeDetailsView({ details }: { details: RuntimeDetails }) {
  return (
    <SimpleTable
      label="Runtime alerts"
      columns={['Time', 'Priority', 'Rule', 'Pod', 'Message']}
      empty={
        details.falcoReporting
          ? 'Falco reports no alert for this workload.'
          : 'No falcosidekick PolicyReport in the cluster: runtime alerts are not reported.'
      }
      rows={details.alerts.map(a => [
        a.time ?? '—',
        a.priority ?? a.severity ?? '—',
        a.rule,
        a.pod ? `${a.namespace}/${a.pod}` : '—',
        a.message ?? '',
      ])}
    />
  );
}

/** ServiceAccounts with their cloud identity, and the roles bound to them. */
export function IdentityDetailsView({ details }: { details: IdentityDetails }) {
  return (
    <>
      <SimpleTable
        label="Service accounts"
        columns={['ServiceAccount', 'Cloud identity', 'Token mounted']}
        empty="No ServiceAccount found."
        rows={details.serviceAccounts.map(s => [
          `${formatLocation(s)}${s.isDefault ? ' (shared default)' : ''}`,
          s.workloadIdentity
            ? `${s.workloadIdentity.provider}: ${s.workloadIdentity.identity}`
            : 'none',
          s.automountToken === false ? 'no' : 'yes',
        ])}
      />
      <SimpleTable
        label="Role bindings"
        columns={['Binding', 'Role', 'Subject', 'Excessive']}
        empty="No role is bound to these service accounts."
        rows={details.grants.map(g => [
          `${g.binding.kind} ${
            g.binding.namespace ? `${g.binding.namespace}/` : ''
          }${g.binding.name}`,
          `${g.role.kind} ${g.role.name}`,
          g.subject,
          g.excessive ? `yes: ${g.reasons.join(', ')}` : 'no',
        ])}
      />
    </>
  );
}
