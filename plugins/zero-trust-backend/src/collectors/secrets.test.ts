import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectSecrets } from './secrets';

const externalSecret = (
  name: string,
  ready: 'True' | 'False' | undefined,
  options: {
    apiVersion?: string;
    labels?: Record<string, string>;
    target?: string;
  } = {},
) =>
  obj(
    options.apiVersion ?? 'external-secrets.io/v1',
    'ExternalSecret',
    name,
    'shop',
    {
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: { name: options.target ?? name },
      },
      status: ready
        ? {
            conditions: [
              {
                type: 'Ready',
                status: ready,
                reason: ready === 'True' ? 'SecretSynced' : 'SecretSyncedError',
                message:
                  ready === 'True'
                    ? 'secret synced'
                    : 'could not get secret data from provider',
              },
            ],
            refreshTime: '2026-01-01T00:00:00Z',
          }
        : {},
    },
    { labels: options.labels },
  );

const podUsing = (secret: string) => ({
  containers: [
    {
      name: 'server',
      image: 'web:1',
      env: [
        {
          name: 'TOKEN',
          valueFrom: { secretKeyRef: { name: secret, key: 'token' } },
        },
      ],
    },
  ],
});

const run = (objects: object[], podSpec?: Record<string, unknown>) =>
  collectSecrets(
    contextFor([
      ...deploymentChain('web', 'shop', podSpec),
      ...(objects as any[]),
    ]),
  );

describe('collectSecrets', () => {
  it('passes when the ExternalSecret behind a Secret the pods read has synced', () => {
    const r = run([externalSecret('api-token', 'True')], podUsing('api-token'));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('1 ExternalSecret(s) synced from vault.');
    expect(r.details!.externalSecrets[0]).toMatchObject({
      target: 'api-token',
      store: 'vault',
      ready: 'True',
    });
  });

  it('fails when one did not sync, found by its workload label (v1beta1 too)', () => {
    const r = run([
      externalSecret('stripe', 'False', {
        apiVersion: 'external-secrets.io/v1beta1',
        labels: { app: 'web' },
      }),
    ]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('Not synced: stripe (SecretSyncedError).');
  });

  it('warns about a Secret the pods read that no ExternalSecret writes', () => {
    const r = run([], {
      containers: [{ name: 'server', image: 'web:1' }],
      volumes: [{ name: 'tls', secret: { secretName: 'hand-made-tls' } }],
    });
    expect(r.status).toBe('warn');
    expect(r.details!.unmanagedSecretRefs).toEqual(['hand-made-tls']);
  });

  it("ignores other workloads' ExternalSecrets and passes a workload without Secrets", () => {
    const r = run([
      externalSecret('other', 'False', { labels: { app: 'other' } }),
    ]);
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('The workload uses no Secret.');
  });

  it('warns on an ExternalSecret without a Ready condition yet', () => {
    expect(
      run([externalSecret('api-token', undefined)], podUsing('api-token'))
        .status,
    ).toBe('warn');
  });
});
