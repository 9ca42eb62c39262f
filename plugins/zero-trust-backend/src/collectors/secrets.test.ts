import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { externalSecretAfter } from './__fixtures__/upstream/external-secrets/externalSecrets';
import { collectSecrets, goDurationMs } from './secrets';

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
            refreshTime: '2026-01-01T23:30:00Z',
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
    expect(r.summary).toBe(
      'Not synced: stripe (SecretSyncedError: could not get secret data from provider).',
    );
  });

  it('warns about a Secret the pods read that no ExternalSecret writes', () => {
    const r = run([], {
      containers: [{ name: 'server', image: 'web:1' }],
      volumes: [{ name: 'tls', secret: { secretName: 'hand-made-tls' } }],
    });
    expect(r.status).toBe('warn');
    expect(r.details!.unmanagedSecretRefs).toEqual(['hand-made-tls']);
  });

  it("ignores other workloads' ExternalSecrets; not applicable to a workload without Secrets", () => {
    const r = run([
      externalSecret('other', 'False', { labels: { app: 'other' } }),
    ]);
    expect(r.status).toBe('not-applicable');
    expect(r.summary).toBe('The workload uses no Secret.');
  });

  it('warns on an ExternalSecret without a Ready condition yet', () => {
    expect(
      run([externalSecret('api-token', undefined)], podUsing('api-token'))
        .status,
    ).toBe('warn');
  });

  describe('as the External Secrets controller writes the status (v1.3.2)', () => {
    const runEs = (es: object) => run([es], podUsing('api-token'));

    it.each([
      ['synced', 'pass', undefined],
      [
        'providerError',
        'fail',
        'SecretSyncedError: could not get secret data from provider',
      ],
      [
        'deleted',
        'fail',
        'the provider returned no data and deletionPolicy Delete deleted the Secret',
      ],
      [
        'missing',
        'fail',
        'creationPolicy Merge and the Secret does not exist: nothing was written',
      ],
      [
        'retained',
        'warn',
        'the provider returned no data; the Secret was left as it was (deletionPolicy Retain)',
      ],
    ] as const)('%s → %s', (outcome, status, problem) => {
      const r = runEs(externalSecretAfter(outcome));
      expect(r.status).toBe(status);
      expect(r.details!.externalSecrets[0].problem).toBe(problem);
    });

    it('fails on Ready=True SecretDeleted and SecretMissing although Ready is True', () => {
      for (const outcome of ['deleted', 'missing'] as const) {
        const r = runEs(externalSecretAfter(outcome));
        expect(r.details!.externalSecrets[0].ready).toBe('True');
        expect(r.status).toBe('fail');
      }
    });

    it('warns when the status is for an older generation of the spec', () => {
      const r = runEs(
        externalSecretAfter('synced', { generation: 3, syncedGeneration: 2 }),
      );
      expect(r.status).toBe('warn');
      expect(r.summary).toBe(
        'not current: api-token (last synced generation 2, the spec is at 3).',
      );
    });

    it('warns when a periodic ExternalSecret of a live cluster has not been refreshed for two intervals, not otherwise', () => {
      const stale = externalSecretAfter('synced', {
        refreshTime: '2026-01-01T21:00:00Z',
      });
      expect(runEs(stale).status).toBe('pass'); // a snapshot: taken at an unknown time
      const runLive = (es: object) => {
        const ctx = contextFor([
          ...deploymentChain('web', 'shop', podUsing('api-token')),
          es as any,
        ]);
        return collectSecrets({
          ...ctx,
          workloads: ctx.workloads.map(w => ({
            ...w,
            cluster: { ...w.cluster, type: 'live' as const },
          })),
        });
      };
      expect(runLive(stale).status).toBe('warn');
      expect(runLive(stale).summary).toMatch(
        /not refreshed since 2026-01-01T21:00:00.000Z \(refreshInterval 1h0m0s\)/,
      );
      // CreatedOnce and a 0s interval never refresh; a long interval is not overdue.
      for (const options of [
        { refreshPolicy: 'CreatedOnce' },
        { refreshInterval: '0s' },
        { refreshInterval: '24h0m0s' },
      ]) {
        expect(
          runLive(
            externalSecretAfter('synced', {
              refreshTime: '2026-01-01T21:00:00Z',
              ...options,
            }),
          ).status,
        ).toBe('pass');
      }
    });

    it('warns when the Secret it last wrote is not the target', () => {
      const r = runEs(externalSecretAfter('synced', { binding: 'old-token' }));
      expect(r.status).toBe('warn');
      expect(r.details!.externalSecrets[0].problem).toBe(
        'last wrote Secret old-token, not api-token',
      );
    });

    it('does not count creationPolicy None as writing the Secret', () => {
      const r = runEs(
        externalSecretAfter('synced', { target: { creationPolicy: 'None' } }),
      );
      expect(r.status).toBe('warn');
      expect(r.details!.externalSecrets[0].problem).toMatch(
        /does not write the Secret/,
      );
    });

    it('ignores an ExternalSecret whose target is a manifest (not a Secret)', () => {
      const r = runEs(
        externalSecretAfter('synced', {
          target: { manifest: { apiVersion: 'v1', kind: 'ConfigMap' } },
        }),
      );
      expect(r.details!.externalSecrets).toEqual([]);
      expect(r.details!.unmanagedSecretRefs).toEqual(['api-token']);
    });
  });

  it('reads Go durations', () => {
    expect(goDurationMs('1h0m0s')).toBe(3_600_000);
    expect(goDurationMs('1h30m')).toBe(5_400_000);
    expect(goDurationMs('90s')).toBe(90_000);
    expect(goDurationMs('0')).toBe(0);
    expect(goDurationMs('soon')).toBeUndefined();
    expect(goDurationMs(3)).toBeUndefined();
  });
});
