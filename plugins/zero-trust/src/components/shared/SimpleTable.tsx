import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { breakable } from './breakable';

const wrapBetweenWords = {
  wordBreak: 'normal',
  overflowWrap: 'normal',
  minWidth: '8ch',
} as const;

/** Text cells wrap between words and at the separators of names, never inside a word. */
const cellContent = (cell: ReactNode) =>
  typeof cell === 'string' ? breakable(cell) : cell;

/** A dense, labelled table for the detail sections of a card; the first column never wraps. */
export function SimpleTable(props: {
  label: string;
  columns: string[];
  rows: ReactNode[][];
  empty?: string;
}) {
  if (props.rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {props.empty ?? 'Nothing to show.'}
      </Typography>
    );
  }
  return (
    // Too wide for its column: scroll sideways rather than break words letter by letter.
    <div style={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={props.label}>
        <TableHead>
          <TableRow>
            {/* Headings are single words or two: never break them mid-word. */}
            {props.columns.map(c => (
              <TableCell key={c} style={{ whiteSpace: 'nowrap' }}>
                {c}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.rows.map((row, i) => (
            <TableRow key={i}>
              {row.map((cell, j) => (
                // The first column names the row: keep it on one line. Others wrap between words.
                <TableCell
                  key={j}
                  style={j === 0 ? { whiteSpace: 'nowrap' } : wrapBetweenWords}
                >
                  {cellContent(cell)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
