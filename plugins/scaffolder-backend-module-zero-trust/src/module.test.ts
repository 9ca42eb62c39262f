import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { scaffolderModuleZeroTrust } from './module';

describe('scaffolderModuleZeroTrust', () => {
  it('registers the zerotrust actions with the scaffolder', async () => {
    const addActions = jest.fn();
    // A stand-in scaffolder plugin that only provides the extension point.
    const fakeScaffolder = createBackendPlugin({
      pluginId: 'scaffolder',
      register(env) {
        env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
          addActions,
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    await startTestBackend({
      features: [
        fakeScaffolder,
        scaffolderModuleZeroTrust,
        catalogServiceMock.factory(),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids.sort()).toEqual([
      'zerotrust:baseline:upgrade',
      'zerotrust:catalog:resolve-dependencies',
      'zerotrust:gitops:pull-request',
      'zerotrust:manifests:generate',
      'zerotrust:manifests:validate',
      'zerotrust:policies:kyverno',
    ]);
  });
});
