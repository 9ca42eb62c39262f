import TextField from '@material-ui/core/TextField';

/** One value a filter offers, with the number of rows it leaves when known. */
export interface FilterOption {
  value: string;
  label?: string;
  count?: number;
}

/** The value of "no filter". */
export const ALL = 'all';

const optionText = (o: FilterOption) =>
  o.count === undefined
    ? o.label ?? o.value
    : `${o.label ?? o.value} (${o.count})`;

/**
 * A native select over values taken from the data (so none offers an empty table), each with its
 * row count. A value that came from the URL but is not in the data is still shown as selected, so
 * the user sees why the table is empty and can clear it. Nothing is rendered when the data offers
 * no value and no filter is set.
 */
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: FilterOption[];
  /** Label of the "no filter" choice, `all` by default; `null` when the filter cannot be cleared. */
  allLabel?: string | null;
  onChange: (value: string) => void;
}) {
  const { value, options, allLabel = ALL } = props;
  if (options.length === 0 && value === ALL) return null;
  const shown =
    value === ALL || options.some(o => o.value === value)
      ? options
      : [...options, { value }];
  return (
    <TextField
      select
      size="small"
      id={props.id}
      label={props.label}
      value={value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      style={{ minWidth: 160 }}
    >
      {allLabel !== null && <option value={ALL}>{allLabel}</option>}
      {shown.map(o => (
        <option key={o.value} value={o.value}>
          {optionText(o)}
        </option>
      ))}
    </TextField>
  );
}

/** The distinct values of `valueOf` over the rows, most rows first, with their counts. */
export function optionsFrom<T>(
  rows: readonly T[],
  valueOf: (row: T) => string,
): FilterOption[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = valueOf(row);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([value, count]) => ({ value, count }));
}
