import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { ThemeBlueprint } from '@backstage/plugin-app-react';
import {
  UnifiedThemeProvider,
  createUnifiedTheme,
  palettes,
} from '@backstage/theme';
import LightIcon from '@material-ui/icons/WbSunny';

/**
 * Backstage's light theme with an error red that reads on white: its own `error.main` (#f44336)
 * is 3.7:1, under the 4.5:1 WCAG AA asks of text, and it colours every form error (the
 * templates' messages under Create, their labels) and error alert.
 */
const light = createUnifiedTheme({
  palette: {
    ...palettes.light,
    // Light and dark shades are derived from it, as for any palette colour.
    error: { main: '#c62828' },
  },
});

const lightTheme = ThemeBlueprint.make({
  name: 'light',
  params: {
    theme: {
      id: 'light',
      title: 'Light Theme',
      variant: 'light',
      icon: <LightIcon />,
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={light}>{children}</UnifiedThemeProvider>
      ),
    },
  },
});

/** The demo app's themes: the light one overrides the app plugin's theme:app/light. */
export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [lightTheme],
});
