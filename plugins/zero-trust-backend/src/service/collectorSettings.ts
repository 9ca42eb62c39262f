import { Config } from '@backstage/config';
import { SEVERITIES, Severity } from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  CollectorSettings,
  DEFAULT_COLLECTOR_SETTINGS,
} from '../collectors/types';

/** The collectors' knobs from `zeroTrust.controls`; a wrong value stops the backend at start. */
export function readCollectorSettings(config: Config): CollectorSettings {
  const d = DEFAULT_COLLECTOR_SETTINGS;
  const severity = (key: string, fallback: Severity) => {
    const value = config.getOptionalString(key) ?? fallback;
    if (!(SEVERITIES as string[]).includes(value)) {
      throw new Error(
        `${key} must be one of ${SEVERITIES.join(', ')}, got "${value}"`,
      );
    }
    return value as Severity;
  };
  const fail = severity(
    'zeroTrust.controls.vulnerabilities.failAt',
    d.vulnerabilityFailSeverity,
  );
  const warn = severity(
    'zeroTrust.controls.vulnerabilities.warnAt',
    d.vulnerabilityWarnSeverity,
  );
  if (SEVERITIES.indexOf(warn) < SEVERITIES.indexOf(fail)) {
    throw new Error(
      `zeroTrust.controls.vulnerabilities.warnAt (${warn}) must not be more severe than failAt (${fail})`,
    );
  }
  return {
    meshRootNamespace:
      config.getOptionalString('zeroTrust.controls.meshRootNamespace') ??
      d.meshRootNamespace,
    trustDomain:
      config.getOptionalString('zeroTrust.controls.trustDomain') ??
      d.trustDomain,
    vulnerabilityFailSeverity: fail,
    vulnerabilityWarnSeverity: warn,
  };
}
