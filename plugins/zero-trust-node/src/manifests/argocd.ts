import { EnvironmentName, ServiceSpec } from './ServiceSpec';
import { ManifestObject, serviceLabels } from './objectMeta';

/**
 * The Argo CD Application that syncs one environment's overlay. Server-side apply keeps large
 * objects under the annotation limit and leaves fields other controllers own alone (Reloader's
 * restart annotation, Argo Rollouts' pod labels); server-side diff then does not report those as
 * drift, so selfHeal does not fight them. The namespace is owned by the platform team, never
 * created by a service.
 */
export function application(
  spec: ServiceSpec,
  env: EnvironmentName,
): ManifestObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${spec.name}-${env}`,
      namespace: spec.gitops.argocdNamespace,
      labels: { ...serviceLabels(spec), 'zero-trust.io/environment': env },
      annotations: {
        'argocd.argoproj.io/compare-options': 'ServerSideDiff=true',
      },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: spec.gitops.project,
      source: {
        repoURL: spec.gitops.repoURL,
        targetRevision: spec.gitops.targetRevision,
        path: `${spec.gitops.path}/overlays/${env}`,
      },
      destination: {
        server: spec.environments[env].cluster,
        namespace: spec.namespace,
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
        // A first sync can race the platform's CRDs or admission policies; retry instead of
        // leaving the Application failed.
        retry: {
          limit: 5,
          backoff: { duration: '10s', factor: 2, maxDuration: '3m' },
        },
      },
    },
  };
}
