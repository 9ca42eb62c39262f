import {
  DependencyGraph,
  DependencyGraphTypes,
  InfoCard,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ControlResult,
  PolicyDrift,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { formatLocation } from '../shared/format';

type Edge = { from: string; to: string; label: string };

/** Who may call the service, by policy and by catalog, as a graph and a table. */
export function reachabilityGraph(entityRef: string, drift: PolicyDrift) {
  const blocked = new Set(drift.declaredNotAllowed.map(d => d.entityRef));
  const edges: Edge[] = [
    ...drift.declared.map(d => ({
      from: d.entityRef,
      to: entityRef,
      label: blocked.has(d.entityRef)
        ? 'declared, NOT allowed'
        : 'declared and allowed',
    })),
    ...drift.allowedNotDeclared.map(a => ({
      from: a.principal ?? `namespace ${a.namespace}`,
      to: entityRef,
      label: 'allowed, NOT declared',
    })),
  ];
  const ids = new Set([entityRef, ...edges.map(e => e.from)]);
  return {
    nodes: [...ids].map(id => ({ id })),
    edges,
  };
}

/** No drift: success only when the authorization control passes too. */
function AgreementAlert(props: { authorization?: ControlResult }) {
  const status = props.authorization?.status;
  if (status === 'fail' || status === 'warn') {
    return (
      <Alert
        severity={status === 'fail' ? 'error' : 'warning'}
        style={{ marginBottom: 8 }}
      >
        The allowed callers match the catalog, but authorization is {status}:{' '}
        {props.authorization!.summary}
      </Alert>
    );
  }
  return (
    <Alert severity="success" style={{ marginBottom: 8 }}>
      Policies and catalog agree.
    </Alert>
  );
}

/** Callers allowed by the AuthorizationPolicies against callers declared in the catalog. */
export function ReachabilityCard(props: {
  entityRef: string;
  drift?: PolicyDrift;
  /** The authorization control, so that "agree" is never said beside a failing authorization. */
  authorization?: ControlResult;
}) {
  const { drift } = props;
  if (!drift) {
    return (
      <InfoCard title="Who can reach it">
        <Typography variant="body2" color="textSecondary">
          No AuthorizationPolicy evidence for this workload, so callers cannot
          be compared with the catalog.
        </Typography>
      </InfoCard>
    );
  }
  const graph = reachabilityGraph(props.entityRef, drift);
  const drifted =
    drift.declaredNotAllowed.length + drift.allowedNotDeclared.length;
  return (
    <section aria-label="Who can reach it">
      <InfoCard
        title="Who can reach it"
        subheader="Callers the AuthorizationPolicies allow, against callers the catalog declares (dependsOn, consumesApis)"
      >
        {drifted > 0 ? (
          <Alert severity="warning" style={{ marginBottom: 8 }}>
            Drift: {drift.declaredNotAllowed.length} declared caller(s) not
            allowed, {drift.allowedNotDeclared.length} allowed source(s) not
            declared.
          </Alert>
        ) : (
          <AgreementAlert authorization={props.authorization} />
        )}
        {graph.edges.length > 0 && (
          <div style={{ maxHeight: 360, overflow: 'hidden' }}>
            <DependencyGraph
              nodes={graph.nodes}
              edges={graph.edges}
              direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
              labelPosition={DependencyGraphTypes.LabelPosition.CENTER}
              paddingX={20}
              paddingY={20}
              fit="contain"
              zoom="disabled"
            />
          </div>
        )}
        <SimpleTable
          label="Callers"
          columns={['Caller', 'Identity', 'Catalog', 'Policy']}
          empty="No caller is declared or allowed."
          rows={[
            ...drift.declared.map(d => [
              d.entityRef,
              d.principal,
              'declared',
              drift.declaredNotAllowed.some(x => x.entityRef === d.entityRef)
                ? 'NOT allowed'
                : 'allowed',
            ]),
            ...drift.allowedNotDeclared.map(a => [
              '—',
              a.principal ?? `namespace ${a.namespace}`,
              'NOT declared',
              `allowed by ${formatLocation(a.policy)}`,
            ]),
            ...drift.unresolved.map(u => [
              u.entityRef,
              `unknown: ${u.reason}`,
              'declared',
              '—',
            ]),
          ]}
        />
      </InfoCard>
    </section>
  );
}
