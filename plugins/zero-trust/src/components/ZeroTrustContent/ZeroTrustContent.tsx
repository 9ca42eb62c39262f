import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import { useMemo } from 'react';
import { useLocation } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import { ControlCard } from '../ControlCard';
import { EvidenceMatrix } from '../EvidenceMatrix';
import { ClusterAlerts } from '../OverviewCard';
import { NeedsAttention } from '../NeedsAttention';
import { ReachabilityCard } from '../ReachabilityCard';
import { SbomViewer } from '../SbomViewer';
import { SystemMatrix } from '../SystemMatrix';
import { VulnerabilitiesCard } from '../VulnerabilitiesCard';
import { useEntityPageUrl } from '../shared/entityPage';
import { useKubernetesTabLink } from '../shared/kubernetesTab';
import { statusRank } from '../shared/statusOrder';
import { useFocusRingStyles } from '../shared/focusRing';
import { useScrollToHash } from '../shared/useScrollToHash';

function ComponentView(props: {
  entity: CompoundEntityRef;
  posture: EntityPosture;
  kubernetesTab?: string;
}) {
  const { posture } = props;
  const sbom = posture.controls.find(c => c.control === 'sbom');
  const vulnerabilities = posture.controls.find(
    c => c.control === 'vulnerabilities',
  );
  const authorization = posture.controls.find(
    c => c.control === 'authorization',
  );
  // Worst first, so the sections read in the order of "Needs attention".
  const sections = [...posture.controls].sort(
    (a, b) => statusRank(a.status) - statusRank(b.status),
  );
  return (
    <>
      {sections.map(result => (
        <Grid item xs={12} key={result.control}>
          <ControlCard
            result={result}
            clusters={posture.clusters}
            kubernetesTab={props.kubernetesTab}
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <ReachabilityCard
          entityRef={posture.entityRef}
          drift={posture.drift}
          authorization={authorization}
        />
      </Grid>
      <Grid item xs={12}>
        <SbomViewer
          entity={props.entity}
          details={sbom?.control === 'sbom' ? sbom.details : undefined}
        />
      </Grid>
      <Grid item xs={12}>
        <VulnerabilitiesCard
          entity={props.entity}
          details={
            vulnerabilities?.control === 'vulnerabilities'
              ? vulnerabilities.details
              : undefined
          }
        />
      </Grid>
    </>
  );
}

/** The path of this tab under the entity page (`/zero-trust`, or wherever the app mounted it). */
function useTabPath(entityPageUrl: string | undefined): string {
  const { pathname } = useLocation();
  if (entityPageUrl && pathname.startsWith(`${entityPageUrl}/`)) {
    return pathname.slice(entityPageUrl.length);
  }
  return '/zero-trust';
}

/**
 * Props of the Zero Trust tab.
 *
 * @public
 */
export interface ZeroTrustContentProps {
  /**
   * Where the kubernetes plugin's tab is under the entity page (`/kubernetes`), so each evidence
   * object links to it; `false` never links. Left out, the new frontend system's app tree is
   * asked whether the tab exists for the entity and where; a legacy app gets no link.
   */
  kubernetesTabPath?: string | false;
}

/** The Zero Trust tab of a Component or System page. */
export function ZeroTrustContent(props: ZeroTrustContentProps = {}) {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const { focusRing } = useFocusRingStyles();
  // One object per entity: the cards fetch again when their entity prop changes identity.
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const ref = useMemo(
    () => ({ kind, namespace, name }),
    [kind, namespace, name],
  );
  const kubernetesTab = useKubernetesTabLink(entity, props.kubernetesTabPath);
  const tabPath = useTabPath(useEntityPageUrl()(entity));
  const { value, loading, error } = useAsync(
    () => api.getPosture(ref),
    [api, ref],
  );
  useScrollToHash(Boolean(value));
  // The URL changes with every filter of a card (useUrlFilters), which re-renders this tab: the
  // sections are rebuilt only when their data changes, so a filter re-renders its own card only.
  const sections = useMemo(
    () =>
      value && (
        <TabSections
          entity={ref}
          posture={value}
          kubernetesTab={kubernetesTab}
          tabPath={tabPath}
        />
      ),
    [value, ref, kubernetesTab, tabPath],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Grid container spacing={3} className={focusRing}>
      {sections}
    </Grid>
  );
}

function TabSections(props: {
  entity: CompoundEntityRef;
  posture: EntityPosture;
  kubernetesTab?: string;
  tabPath: string;
}) {
  const { posture, entity: ref, kubernetesTab, tabPath } = props;
  const unknown = posture.controls.filter(c => c.status === 'unknown').length;
  return (
    <>
      <Grid item xs={12}>
        <ClusterAlerts clusters={posture.clusters} />
        {unknown > 0 && (
          <Alert severity="info" role="status">
            {unknown} of {posture.controls.length} controls have no evidence and
            read "unknown": nothing here claims a result without a live object
            behind it.
          </Alert>
        )}
      </Grid>
      <Grid item xs={12}>
        <NeedsAttention posture={posture} entity={ref} />
      </Grid>
      {posture.components ? (
        <Grid item xs={12}>
          <SystemMatrix components={posture.components} tabPath={tabPath} />
        </Grid>
      ) : (
        <ComponentView
          entity={ref}
          posture={posture}
          kubernetesTab={kubernetesTab}
        />
      )}
      <Grid item xs={12}>
        <EvidenceMatrix posture={posture} kubernetesTab={kubernetesTab} />
      </Grid>
    </>
  );
}
