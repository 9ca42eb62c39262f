import { ALLOWED_VOLUME_KEYS, BASELINE_POLICIES } from './baseline';
import { PodTemplate, asArray, asObject, containersOf } from './podTemplates';

type Policies = typeof BASELINE_POLICIES;

/** A failed rule at a path, before resource, message and severity are attached. */
export type Finding = {
  [P in keyof Policies]: {
    policy: P;
    rule: keyof Policies[P]['rules'];
    path: string;
  };
}[keyof Policies];

const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

const securityContextOf = (container: Record<string, unknown>) =>
  asObject(container.securityContext);

/** disallow-capabilities-strict: drop ALL; add nothing but NET_BIND_SERVICE. */
function capabilities(pod: PodTemplate): Finding[] {
  return containersOf(pod).flatMap(({ container, path }) => {
    const caps = asObject(securityContextOf(container).capabilities);
    const findings: Finding[] = [];
    if (!asArray(caps.drop).includes('ALL')) {
      findings.push({
        policy: 'disallow-capabilities-strict',
        rule: 'require-drop-all',
        path: `${path}.securityContext.capabilities.drop`,
      });
    }
    asArray(caps.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE' && cap !== '') {
        findings.push({
          policy: 'disallow-capabilities-strict',
          rule: 'adding-capabilities-strict',
          path: `${path}.securityContext.capabilities.add[${i}]`,
        });
      }
    });
    return findings;
  });
}

/** disallow-privilege-escalation: every container says allowPrivilegeEscalation: false. */
function privilegeEscalation(pod: PodTemplate): Finding[] {
  return containersOf(pod)
    .filter(
      ({ container }) =>
        securityContextOf(container).allowPrivilegeEscalation !== false,
    )
    .map(({ path }) => ({
      policy: 'disallow-privilege-escalation' as const,
      rule: 'privilege-escalation' as const,
      path: `${path}.securityContext.allowPrivilegeEscalation`,
    }));
}

/**
 * The `anyPattern` of kyverno/policies: either the pod sets the field (and no container
 * overrides it with a bad value), or every container sets it. Reports a container that sets a
 * bad value, else the pod-level field.
 */
function podOrEveryContainer(
  pod: PodTemplate,
  field: (securityContext: Record<string, unknown>) => unknown,
  fieldPath: string,
  good: (value: unknown) => boolean,
): string | undefined {
  const containers = containersOf(pod);
  const podValue = field(asObject(pod.spec.securityContext));
  const explicitBad = containers.find(({ container }) => {
    const v = field(securityContextOf(container));
    return v !== undefined && !good(v);
  });
  const podLevelOk = good(podValue) && !explicitBad;
  const everyContainerOk =
    asArray(pod.spec.containers).length > 0 &&
    containers.every(({ container }) =>
      good(field(securityContextOf(container))),
    );
  if (podLevelOk || everyContainerOk) {
    return undefined;
  }
  return explicitBad
    ? `${explicitBad.path}.securityContext.${fieldPath}`
    : `${pod.specPath}.securityContext.${fieldPath}`;
}

/** require-run-as-nonroot */
function runAsNonRoot(pod: PodTemplate): Finding[] {
  const path = podOrEveryContainer(
    pod,
    sc => sc.runAsNonRoot,
    'runAsNonRoot',
    v => v === true,
  );
  return path
    ? [{ policy: 'require-run-as-nonroot', rule: 'run-as-non-root', path }]
    : [];
}

/** restrict-seccomp-strict */
function seccomp(pod: PodTemplate): Finding[] {
  const path = podOrEveryContainer(
    pod,
    sc => asObject(sc.seccompProfile).type,
    'seccompProfile.type',
    v => typeof v === 'string' && SECCOMP_ALLOWED.includes(v),
  );
  return path
    ? [
        {
          policy: 'restrict-seccomp-strict',
          rule: 'check-seccomp-strict',
          path,
        },
      ]
    : [];
}

/** restrict-volume-types: only the volume sources the restricted profile allows. */
function volumeTypes(pod: PodTemplate): Finding[] {
  return asArray(pod.spec.volumes).flatMap((volume, i) =>
    Object.keys(asObject(volume))
      .filter(key => !ALLOWED_VOLUME_KEYS.includes(key))
      .map(key => ({
        policy: 'restrict-volume-types' as const,
        rule: 'restricted-volumes' as const,
        path: `${pod.specPath}.volumes[${i}].${key}`,
      })),
  );
}

/** require-ro-rootfs */
function readOnlyRootFilesystem(pod: PodTemplate): Finding[] {
  return containersOf(pod)
    .filter(
      ({ container }) =>
        securityContextOf(container).readOnlyRootFilesystem !== true,
    )
    .map(({ path }) => ({
      policy: 'require-ro-rootfs' as const,
      rule: 'validate-readOnlyRootFilesystem' as const,
      path: `${path}.securityContext.readOnlyRootFilesystem`,
    }));
}

/**
 * disallow-latest-tag, with Kyverno's wildcard semantics: a tag is "present" when the image
 * reference contains a colon (`*:*`), and `latest` means it ends in `:latest`.
 */
function imageTags(pod: PodTemplate): Finding[] {
  return containersOf(pod).flatMap(({ container, path }): Finding[] => {
    const image = typeof container.image === 'string' ? container.image : '';
    if (!image.includes(':')) {
      return [
        {
          policy: 'disallow-latest-tag',
          rule: 'require-image-tag',
          path: `${path}.image`,
        },
      ];
    }
    if (image.endsWith(':latest')) {
      return [
        {
          policy: 'disallow-latest-tag',
          rule: 'validate-image-tag',
          path: `${path}.image`,
        },
      ];
    }
    return [];
  });
}

/** Every per-pod check of the baseline. */
export const POD_CHECKS: ((pod: PodTemplate) => Finding[])[] = [
  capabilities,
  privilegeEscalation,
  runAsNonRoot,
  seccomp,
  volumeTypes,
  readOnlyRootFilesystem,
  imageTags,
];
