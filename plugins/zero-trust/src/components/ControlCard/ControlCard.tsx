import { InfoCard } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import Alert from '@material-ui/lab/Alert';
import {
  ClusterHealth,
  ControlResult,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ReactNode } from 'react';
import { ControlStatusChip } from '../ControlStatusChip';
import { ControlDetails } from '../controls';
import { SimpleTable } from '../shared/SimpleTable';
import { stateHelp } from './stateHelp';

/** The objects that prove a control, collapsed until asked for. */
export function EvidenceList({ result }: { result: ControlResult }) {
  return (
    <Accordion elevation={0} style={{ marginTop: 8 }}>
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-label={`Evidence of ${controlTitle(result.control)}`}
      >
        <Typography variant="body2">
          Evidence: {result.evidence.length} object(s)
        </Typography>
      </AccordionSummary>
      <AccordionDetails style={{ display: 'block' }}>
        <SimpleTable
          label={`Evidence of ${controlTitle(result.control)}`}
          columns={['Cluster', 'Kind', 'Object', 'Resource version', 'Seen']}
          empty="No object backs this result."
          rows={result.evidence.map(e => [
            e.cluster,
            `${e.kind} (${e.apiVersion})`,
            e.namespace ? `${e.namespace}/${e.name}` : e.name,
            e.resourceVersion ?? '—',
            e.observedAt,
          ])}
        />
      </AccordionDetails>
    </Accordion>
  );
}

/** One control: status, summary, what to do if it cannot be evaluated, details, evidence. */
export function ControlCard(props: {
  result: ControlResult;
  clusters: ClusterHealth[];
  children?: ReactNode;
}) {
  const { result } = props;
  const help =
    result.status === 'not-installed' || result.status === 'forbidden'
      ? stateHelp(result.control, props.clusters)
      : [];
  return (
    <section
      id={`zt-${result.control}`}
      aria-label={`${controlTitle(result.control)} control`}
    >
      <InfoCard
        title={
          <span>
            {controlTitle(result.control)}{' '}
            <ControlStatusChip status={result.status} />
          </span>
        }
        subheader={result.summary}
      >
        {help.length > 0 && (
          <Alert severity="info" style={{ marginBottom: 8 }}>
            {help.map(h => (
              <div key={h}>{h}</div>
            ))}
          </Alert>
        )}
        <ControlDetails result={result} />
        {props.children}
        {result.notes?.map(n => (
          <Typography
            key={n}
            variant="caption"
            component="p"
            color="textSecondary"
          >
            {n}
          </Typography>
        ))}
        <EvidenceList result={result} />
      </InfoCard>
    </section>
  );
}
