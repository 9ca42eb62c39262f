import { Enums, Spec } from '@cyclonedx/cyclonedx-library';
import { KubeObject } from '../../sources/types';
import { Json, obj, str } from './json';

/** What a Trivy SbomReport's CycloneDX BOM (`report.components`) says about itself. */
export interface BomCheck {
  /** `CycloneDX 1.5` */
  format?: string;
  /** Tools that produced the BOM: `trivy 0.58.2`. */
  tools: string[];
  /** Components the BOM lists. */
  components: number;
  /** Component types by count (`library`, `operating-system`, …). */
  types: Record<string, number>;
  /** Why the BOM cannot be used as an SBOM; absent for a valid one. */
  invalid?: string;
  /** Smaller problems: components of a type the spec version does not define, nameless ones. */
  warnings: string[];
}

const KNOWN_TYPES = new Set<string>(Object.values(Enums.ComponentType));

function toolsOf(metadata: Json): string[] {
  const tools = metadata.tools;
  // CycloneDX ≥ 1.5: `tools: { components: [...], services: [...] }`; before: `tools: [...]`.
  const entries = Array.isArray(tools)
    ? tools
    : [
        ...(Array.isArray(obj(tools).components)
          ? (obj(tools).components as unknown[])
          : []),
        ...(Array.isArray(obj(tools).services)
          ? (obj(tools).services as unknown[])
          : []),
      ];
  return entries.flatMap(t => {
    const name = str(obj(t).name);
    const version = str(obj(t).version);
    return name ? [version ? `${name} ${version}` : name] : [];
  });
}

/**
 * Reads the CycloneDX BOM Trivy stores in an SbomReport and checks it against the specification
 * with the CycloneDX library: `bomFormat` must be `CycloneDX`, `specVersion` one the library knows
 * (1.2–1.7), `components` a list; component types are checked against what that spec version
 * defines. Never throws: a malformed report yields `invalid`.
 */
export function checkBom(report: KubeObject): BomCheck {
  const bom = obj(obj(report.report).components);
  const result: BomCheck = {
    tools: toolsOf(obj(bom.metadata)),
    components: 0,
    types: {},
    warnings: [],
  };
  if (Object.keys(bom).length === 0) {
    return { ...result, invalid: 'no CycloneDX BOM in report.components' };
  }
  if (bom.bomFormat !== 'CycloneDX') {
    return {
      ...result,
      invalid: `bomFormat is ${JSON.stringify(bom.bomFormat)}, not "CycloneDX"`,
    };
  }
  const version = str(bom.specVersion);
  const spec = version
    ? Spec.SpecVersionDict[version as Spec.Version]
    : undefined;
  if (!spec) {
    return {
      ...result,
      invalid: `unsupported CycloneDX specVersion ${JSON.stringify(
        bom.specVersion,
      )}`,
    };
  }
  result.format = `CycloneDX ${spec.version}`;
  if (bom.components !== undefined && !Array.isArray(bom.components)) {
    return { ...result, invalid: 'components is not a list' };
  }
  const components = Array.isArray(bom.components) ? bom.components : [];
  let nameless = 0;
  const unsupported = new Set<string>();
  for (const entry of components) {
    const c = obj(entry);
    if (!str(c.name)) {
      nameless++;
      continue;
    }
    result.components++;
    const type = str(c.type) ?? 'unknown';
    result.types[type] = (result.types[type] ?? 0) + 1;
    if (!KNOWN_TYPES.has(type) || !spec.supportsComponentType(type)) {
      unsupported.add(type);
    }
  }
  if (nameless > 0) {
    result.warnings.push(
      `${nameless} component(s) without a name were skipped`,
    );
  }
  if (unsupported.size > 0) {
    result.warnings.push(
      `component type(s) ${[...unsupported].sort().join(', ')} not defined by ${
        result.format
      }`,
    );
  }
  return result;
}
