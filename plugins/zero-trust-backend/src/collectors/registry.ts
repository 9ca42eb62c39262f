import {
  ControlResult,
  WATCHED_KINDS,
  WatchedKind,
  ZERO_TRUST_CONTROLS,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { CollectorContext, ZeroTrustCollector } from './types';
import { BUILT_IN_COLLECTORS } from './builtIn';

/** A control as the registry knows it: built in, or added by a module. */
export interface RegisteredControl {
  id: string;
  title: string;
  description?: string;
  builtIn: boolean;
}

// Lower-case words joined by dashes, as the built-in ids: safe in URLs (#zt-<id>), CSV and logs.
const CONTROL_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The controls the backend evaluates and the collector of each, in the order they are shown. The
 * built-in collectors are added the way modules add theirs (zeroTrustCollectorsExtensionPoint): a
 * collector with a built-in id replaces that collector, a new id adds a control after the others.
 */
export class CollectorRegistry {
  private readonly collectors = new Map<string, ZeroTrustCollector>();

  static withBuiltIns(): CollectorRegistry {
    const registry = new CollectorRegistry();
    for (const collector of BUILT_IN_COLLECTORS) {
      registry.add(collector);
    }
    return registry;
  }

  add(collector: ZeroTrustCollector): void {
    const id = collector?.control?.id;
    if (typeof id !== 'string' || !CONTROL_ID.test(id)) {
      throw new Error(
        `Zero Trust: a collector's control id must be lower-case words joined by dashes (like "image-provenance"), got ${JSON.stringify(
          id,
        )}`,
      );
    }
    if (typeof collector.collect !== 'function') {
      throw new Error(`Zero Trust: the collector of "${id}" has no collect()`);
    }
    this.collectors.set(id, collector);
  }

  controls(): RegisteredControl[] {
    return [...this.collectors.values()].map(({ control }) => {
      const builtIn = this.isBuiltIn(control.id);
      return {
        id: control.id,
        title: builtIn ? controlTitle(control.id) : control.title ?? control.id,
        description: control.description,
        builtIn,
      };
    });
  }

  private isBuiltIn(id: string): boolean {
    return ZERO_TRUST_CONTROLS.some(c => c.id === id);
  }

  /** The built-in watched kinds and those the added collectors read, each once. */
  kinds(): WatchedKind[] {
    const kinds = new Map(WATCHED_KINDS.map(k => [`${k.group}/${k.kind}`, k]));
    for (const { kinds: extra = [] } of this.collectors.values()) {
      for (const k of extra) {
        if (!kinds.has(`${k.group}/${k.kind}`))
          kinds.set(`${k.group}/${k.kind}`, k);
      }
    }
    return [...kinds.values()];
  }

  /**
   * Runs every collector. One that throws (a bug, or an object shaped as nobody anticipated)
   * yields `unknown` with the reason, never a failed page.
   */
  run(
    ctx: CollectorContext,
    onError?: (control: string, error: Error) => void,
  ): ControlResult[] {
    return [...this.collectors.values()].map(collector => {
      const { control } = collector;
      try {
        // Called on the collector, so a class instance keeps its `this`.
        const result = collector.collect(ctx);
        // The id is the registry's, whatever the collector wrote; an added control brings its title.
        return {
          ...result,
          control: control.id,
          ...(this.isBuiltIn(control.id)
            ? {}
            : { title: control.title ?? control.id }),
        } as unknown as ControlResult;
      } catch (e) {
        onError?.(control.id, e as Error);
        return this.unknown(
          control.id,
          `Could not evaluate: ${(e as Error).message}`,
        );
      }
    });
  }

  /** Every control as `unknown`, with the reason. */
  allUnknown(summary: string): ControlResult[] {
    return this.controls().map(c => this.unknown(c.id, summary));
  }

  private unknown(control: string, summary: string): ControlResult {
    // The API's control ids are open strings; the common union names the built-in ones.
    return {
      control,
      ...(this.isBuiltIn(control)
        ? {}
        : { title: this.collectors.get(control)?.control.title ?? control }),
      status: 'unknown',
      summary,
      evidence: [],
    } as unknown as ControlResult;
  }
}
