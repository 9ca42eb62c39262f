import {
  ControlDetailsMap,
  ControlId,
  ControlResult,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ComponentType } from 'react';
import { AuthorizationDetailsView, MtlsDetailsView } from './meshDetails';
import { SegmentationDetailsView } from './networkDetails';
import {
  AdmissionDetailsView,
  SbomDetailsView,
  VulnerabilityDetailsView,
} from './supplyChainDetails';
import { GitOpsDetailsView, RolloutDetailsView } from './deliveryDetails';
import {
  IdentityDetailsView,
  RuntimeDetailsView,
  SecretsDetailsView,
} from './runtimeDetails';
import { CisDetailsView, FlowsDetailsView } from './clusterDetails';
import { ProvenanceDetailsView } from './provenanceDetails';

const VIEWS: {
  [C in ControlId]: ComponentType<{
    details: ControlDetailsMap[C];
  }>;
} = {
  mtls: MtlsDetailsView,
  authorization: AuthorizationDetailsView,
  segmentation: SegmentationDetailsView,
  admission: AdmissionDetailsView,
  sbom: SbomDetailsView,
  vulnerabilities: VulnerabilityDetailsView,
  rollout: RolloutDetailsView,
  gitops: GitOpsDetailsView,
  secrets: SecretsDetailsView,
  runtime: RuntimeDetailsView,
  identity: IdentityDetailsView,
  provenance: ProvenanceDetailsView,
  flows: FlowsDetailsView,
  cis: CisDetailsView,
};

/**
 * The typed details of a control result, or nothing when the control has none. A control an
 * installation added has details of its own shape: shown as they are, one field a row.
 */
export function ControlDetails({ result }: { result: ControlResult }) {
  if (!result.details) {
    return null;
  }
  const View = (VIEWS as Partial<Record<string, ComponentType<any>>>)[
    result.control
  ] as ComponentType<{ details: unknown }> | undefined;
  return View ? (
    <View details={result.details} />
  ) : (
    <AddedControlDetails details={result.details} />
  );
}

function AddedControlDetails(props: { details: object }) {
  return (
    <dl style={{ margin: 0 }}>
      {Object.entries(props.details).map(([field, value]) => (
        <div key={field} style={{ display: 'flex', gap: 8 }}>
          <dt style={{ fontWeight: 500 }}>{field}</dt>
          <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>
            {typeof value === 'string' ? value : JSON.stringify(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
