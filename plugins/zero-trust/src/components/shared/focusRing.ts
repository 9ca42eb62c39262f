import { makeStyles } from '@material-ui/core/styles';

/**
 * A 2 px ring around whatever has keyboard focus inside the element: Material UI's own focus
 * indication (a faint grey tint on buttons and accordion headers, none on some links) is hard to
 * see. Only keyboard focus (`:focus-visible`, or Material UI's `Mui-focusVisible`) draws it.
 */
export const useFocusRingStyles = makeStyles(
  theme => ({
    focusRing: {
      '& :focus-visible, & .Mui-focusVisible': {
        outline: `2px solid ${theme.palette.primary.main}`,
        outlineOffset: 2,
      },
    },
  }),
  { name: 'ZeroTrustFocusRing' },
);
