/** A Kubernetes `metav1.LabelSelector` as objects spell it. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: string;
    values?: string[];
  }[];
}

/**
 * Whether a label selector object selects these labels. An empty selector selects everything;
 * an unknown operator selects nothing (safer than guessing for a policy).
 */
export function matchesLabelSelector(
  selector: LabelSelectorSpec | undefined | null,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const l = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (l[key] !== String(value)) return false;
  }
  for (const expr of Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
    : []) {
    const has = Object.prototype.hasOwnProperty.call(l, expr.key);
    const values = (expr.values ?? []).map(String);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(l[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `app=frontend,tier in (a,b)`: a selector in the form people read. */
export function describeSelector(
  selector: LabelSelectorSpec | undefined | null,
): string {
  if (!selector) return '(none)';
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map(e => {
      switch (e.operator) {
        case 'In':
          return `${e.key} in (${(e.values ?? []).join(',')})`;
        case 'NotIn':
          return `${e.key} notin (${(e.values ?? []).join(',')})`;
        case 'Exists':
          return e.key;
        case 'DoesNotExist':
          return `!${e.key}`;
        default:
          return `${e.key} ${e.operator}`;
      }
    }),
  ];
  return parts.length === 0 ? 'all' : parts.join(',');
}
