import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { ControlStatus } from '@zero-trust-k8s/plugin-zero-trust-common';

const LABELS: Record<ControlStatus, string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  unknown: 'Unknown',
  'not-installed': 'Not installed',
  forbidden: 'Forbidden',
};

const useStyles = makeStyles(theme => ({
  pass: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  warn: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  fail: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  unknown: {},
  'not-installed': {},
  forbidden: {},
}));

/** A chip whose colour and text both say the status (never colour alone). */
export function ControlStatusChip(props: { status: ControlStatus }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={LABELS[props.status]}
      className={classes[props.status]}
      aria-label={`status: ${LABELS[props.status]}`}
    />
  );
}
