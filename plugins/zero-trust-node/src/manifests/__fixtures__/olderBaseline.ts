import { generateManifests } from '../generateManifests';
import { parseServiceSpec } from '../parseServiceSpec';
import { ServiceSpecInput } from '../ServiceSpec';
import { TREE_RECORD_FILE, gitBlobSha, writeTreeRecord } from '../treeRecord';

/**
 * The tree baseline 1 wrote for a spec, simulated with today's engine: without what baselines 2
 * and 3 added that can be taken out again — the PodDisruptionBudgets and the topology spread
 * (switched off in the spec) and `imagePullPolicy: Always` (back to IfNotPresent) — and with a
 * record that says baseline 1 and holds the spec as given (defaults filled in by today's schema)
 * and the shas of these files. Today's output differs from it in the Deployment (or Rollout), the
 * stage and prod kustomizations, the two PodDisruptionBudgets and the record.
 */
export function baseline1Tree(input: ServiceSpecInput): Record<string, string> {
  const { [TREE_RECORD_FILE]: _today, ...today } = generateManifests({
    ...input,
    podDisruptionBudget: { enabled: false },
    topologySpread: { nodes: 'none', zones: 'none' },
  }).files;
  const files = Object.fromEntries(
    Object.entries(today).map(([path, text]) => [
      path,
      text.replace(
        /imagePullPolicy: Always$/gm,
        'imagePullPolicy: IfNotPresent',
      ),
    ]),
  );
  return {
    ...files,
    [TREE_RECORD_FILE]: writeTreeRecord({
      baseline: 1,
      spec: parseServiceSpec(input),
      files: Object.fromEntries(
        Object.entries(files).map(([path, text]) => [path, gitBlobSha(text)]),
      ),
    }),
  };
}
