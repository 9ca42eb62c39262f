import type { HubbleRead } from './HubbleFlows';

/** A component the catalog declares as a dependency or a caller, where its pods run. */
export interface DeclaredPeer {
  entityRef: string;
  namespace: string;
  /** The workload name (`backstage.io/kubernetes-id`, else the entity name). */
  name: string;
}

/** What the flows collector reads, gathered before the collectors run (the reads are async). */
export interface FlowsInput {
  windowSeconds: number;
  /** Per cluster name. */
  reads: Record<string, HubbleRead>;
  /** Undefined when the catalog could not be read: undeclared flows are then not judged. */
  declaredPeers?: DeclaredPeer[];
}
