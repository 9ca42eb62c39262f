import Chip from '@material-ui/core/Chip';
import { Theme, makeStyles } from '@material-ui/core/styles';
import Cancel from '@material-ui/icons/Cancel';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Extension from '@material-ui/icons/Extension';
import HelpOutline from '@material-ui/icons/HelpOutline';
import Lock from '@material-ui/icons/Lock';
import NotInterested from '@material-ui/icons/NotInterested';
import Warning from '@material-ui/icons/Warning';
import { ControlStatus } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ComponentType } from 'react';

/**
 * What each status means, in the words of the API's `ControlStatus`. The chip shows the status as
 * the API and the evidence exports spell it, so the UI and an audit file read the same.
 */
export const STATUS_MEANING: Record<ControlStatus, string> = {
  pass: 'evaluated and passing',
  warn: 'evaluated, with a finding to look at',
  fail: 'evaluated and failing',
  unknown: 'no evidence either way (no cluster, or not synced yet)',
  'not-installed': 'the kind that proves it is not installed in the cluster',
  forbidden: 'the backend may not read the kind that proves it',
  'not-applicable': 'evaluated, nothing to judge (left out of the score)',
};

const ICONS: Record<ControlStatus, ComponentType<{ fontSize?: 'small' }>> = {
  pass: CheckCircle,
  warn: Warning,
  fail: Cancel,
  unknown: HelpOutline,
  'not-installed': Extension,
  forbidden: Lock,
  'not-applicable': NotInterested,
};

/**
 * Background and text colour of the evaluated statuses, each pair at least 4.5:1 (WCAG AA): the
 * theme's `error.main` under white text is only 3.7:1, so failures use `error.dark`.
 */
export function statusColors(
  theme: Theme,
): Record<'pass' | 'warn' | 'fail', { background: string; text: string }> {
  return {
    pass: {
      background: theme.palette.success.main,
      text: theme.palette.getContrastText(theme.palette.success.main),
    },
    warn: {
      background: theme.palette.warning.main,
      text: theme.palette.getContrastText(theme.palette.warning.main),
    },
    fail: {
      background: theme.palette.error.dark,
      text: theme.palette.common.white,
    },
  };
}

const useStyles = makeStyles(theme => {
  const colors = statusColors(theme);
  const filled = (c: { background: string; text: string }) => ({
    backgroundColor: c.background,
    color: c.text,
    '& svg': { color: c.text },
  });
  return {
    pass: filled(colors.pass),
    warn: filled(colors.warn),
    fail: filled(colors.fail),
    // Not evaluated: outlined, told apart by icon and text, never by colour alone.
    unknown: { borderStyle: 'dashed' },
    'not-installed': {},
    forbidden: {},
    'not-applicable': { borderStyle: 'dotted' },
  };
});

/** A chip whose colour, icon and text all say the status. */
export function ControlStatusChip(props: { status: ControlStatus }) {
  const classes = useStyles();
  const { status } = props;
  const Icon = ICONS[status] ?? HelpOutline;
  const evaluated = status === 'pass' || status === 'warn' || status === 'fail';
  return (
    <Chip
      size="small"
      icon={<Icon fontSize="small" />}
      variant={evaluated ? 'default' : 'outlined'}
      label={status}
      className={classes[status]}
      title={`${status}: ${STATUS_MEANING[status] ?? status}`}
      role="img"
      aria-label={`status: ${status}`}
    />
  );
}
