import { KubeObject } from './types';

/** Objects of one kind by namespace and name, the shape a watch cache has. */
export class ObjectIndex {
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();

  set(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let names = this.byNamespace.get(ns);
    if (!names) {
      names = new Map();
      this.byNamespace.set(ns, names);
    }
    names.set(obj.metadata.name, obj);
  }

  list(namespace?: string): KubeObject[] {
    if (namespace !== undefined) {
      return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    }
    return [...this.byNamespace.values()].flatMap(names => [...names.values()]);
  }

  get size(): number {
    let n = 0;
    for (const names of this.byNamespace.values()) n += names.size;
    return n;
  }
}
