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
import { ReactNode, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { ControlStatusChip } from '../ControlStatusChip';
import { ControlDetails } from '../controls';
import { EvidenceTable, evidenceRowsOf } from '../EvidenceTable';
import { stateHelp } from './stateHelp';

/**
 * The objects that prove a control, one row per object, collapsed until asked for (and only
 * rendered then). With `kubernetesTab`, each object links to the entity's Kubernetes tab.
 */
export function EvidenceList(props: {
  result: ControlResult;
  kubernetesTab?: string;
}) {
  const { result } = props;
  const n = result.evidence.length;
  const title = controlTitle(result);
  return (
    <Accordion
      elevation={0}
      style={{ marginTop: 8 }}
      TransitionProps={{ unmountOnExit: true }}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">
          Evidence of {title}: {n} {n === 1 ? 'object' : 'objects'}
        </Typography>
      </AccordionSummary>
      <AccordionDetails
        style={{ display: 'block' }}
        role="group"
        aria-label={`Evidence of ${title}`}
      >
        {n === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No object backs this result.
          </Typography>
        ) : (
          <EvidenceTable
            rows={evidenceRowsOf(result)}
            kubernetesTab={props.kubernetesTab}
          />
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/**
 * One control as a full-width section: title, status and summary on one row, then what to do if
 * it cannot be evaluated, the details and the evidence. Failing and warning controls open
 * expanded, the others collapsed to their row; following a link to the section opens it.
 */
export function ControlCard(props: {
  result: ControlResult;
  clusters: ClusterHealth[];
  /** URL of the entity's Kubernetes tab, when the app has one for the entity. */
  kubernetesTab?: string;
  children?: ReactNode;
}) {
  const { result } = props;
  const id = `zt-${result.control}`;
  const targeted = useLocation().hash === `#${id}`;
  const [expanded, setExpanded] = useState(
    result.status === 'fail' || result.status === 'warn',
  );
  useEffect(() => {
    if (targeted) setExpanded(true);
  }, [targeted]);
  const { clusters, kubernetesTab, children } = props;
  // The card re-renders on every URL change (the hash above); its details only when their data does.
  const details = useMemo(() => {
    const help =
      result.status === 'not-installed' || result.status === 'forbidden'
        ? stateHelp(result.control, clusters)
        : [];
    return (
      <>
        {help.length > 0 && (
          <Alert severity="info" style={{ marginBottom: 8 }}>
            {help.map(h => (
              <div key={h}>{h}</div>
            ))}
          </Alert>
        )}
        <ControlDetails result={result} />
        {children}
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
        <EvidenceList result={result} kubernetesTab={kubernetesTab} />
      </>
    );
  }, [result, clusters, kubernetesTab, children]);
  const title = controlTitle(result);
  return (
    <section id={id} aria-label={`${title} control`}>
      <Accordion expanded={expanded} onChange={(_, open) => setExpanded(open)}>
        <AccordionSummary
          expandIcon={<ExpandMoreIcon />}
          id={`${id}-header`}
          aria-controls={`${id}-details`}
        >
          <div>
            <Typography variant="h6" component="span">
              {title}
            </Typography>{' '}
            <ControlStatusChip status={result.status} />
            <Typography variant="body2" color="textSecondary">
              {result.summary}
            </Typography>
          </div>
        </AccordionSummary>
        <AccordionDetails style={{ display: 'block' }}>
          {details}
        </AccordionDetails>
      </Accordion>
    </section>
  );
}
