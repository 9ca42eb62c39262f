import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectRuntime } from './runtime';

const falcoReport = (results: object[], namespace = 'shop') =>
  obj(
    'wgpolicyk8s.io/v1alpha2',
    'PolicyReport',
    `falcoreport-${namespace}`,
    namespace,
    {
      results,
    },
  );
const alert = (
  pod: string,
  priority: string,
  rule = 'Terminal shell in container',
) => ({
  policy: rule,
  source: 'Falco',
  result: 'fail',
  severity: 'high',
  message: `${rule} in ${pod}`,
  timestamp: { seconds: 1767225600, nanos: 0 },
  properties: {
    'k8s.ns.name': 'shop',
    'k8s.pod.name': pod,
    'container.name': 'server',
    priority,
  },
});

const run = (objects: object[]) =>
  collectRuntime(
    contextFor([...deploymentChain('web', 'shop'), ...(objects as any[])]),
  );

describe('collectRuntime', () => {
  it("warns on a Notice about one of the workload's pods, with when and where", () => {
    const r = run([
      falcoReport([alert('web-abc-1', 'Notice'), alert('other-1', 'Critical')]),
    ]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('1 Falco alert(s): Terminal shell in container.');
    expect(r.details!.alerts[0]).toMatchObject({
      pod: 'web-abc-1',
      container: 'server',
      priority: 'Notice',
      time: '2026-01-01T00:00:00.000Z',
    });
  });

  it('fails on a Critical alert', () => {
    expect(
      run([falcoReport([alert('web-abc-1', 'Critical', 'Write below etc')])])
        .status,
    ).toBe('fail');
  });

  it('passes when Falco reports nothing about the workload', () => {
    const r = run([falcoReport([alert('other-1', 'Critical')])]);
    expect(r.status).toBe('pass');
    expect(r.details!.falcoReporting).toBe(true);
  });

  it('is unknown when no falcosidekick report exists, and ignores Kyverno results', () => {
    const kyverno = obj(
      'wgpolicyk8s.io/v1alpha2',
      'PolicyReport',
      'cpol',
      'shop',
      {
        results: [
          { policy: 'require-ro-rootfs', source: 'kyverno', result: 'fail' },
        ],
      },
    );
    const r = run([kyverno]);
    expect(r.status).toBe('unknown');
    expect(r.summary).toMatch(/falcosidekick/);
  });

  it('reads a report with malformed results', () => {
    const broken = obj('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'x', 'shop', {
      results: 'nope',
    });
    expect(run([broken]).status).toBe('unknown');
  });

  it('reads the OpenReport output: rule in `rule`, the pod as a subject, severity critical fails', () => {
    const report = obj(
      'openreports.io/v1alpha1',
      'Report',
      'falco-report',
      'shop',
      {
        results: [
          {
            policy: 'syscall',
            rule: 'Drop and execute new binary in container',
            source: 'Falco',
            result: 'fail',
            severity: 'critical',
            description: 'Executing binary not part of base image',
            subjects: [
              {
                apiVersion: 'v1',
                kind: 'Pod',
                name: 'web-abc-1',
                namespace: 'shop',
              },
            ],
          },
        ],
      },
    );
    const r = run([report]);
    expect(r.status).toBe('fail');
    expect(r.details!.alerts).toEqual([
      expect.objectContaining({
        rule: 'Drop and execute new binary in container',
        priority: 'Critical',
        pod: 'web-abc-1',
        namespace: 'shop',
        report: 'Report shop/falco-report',
      }),
    ]);
    expect(r.evidence.map(e => e.kind)).toEqual(['Report']);
  });

  it("takes the priority from Falco's output line when no property carries it", () => {
    const fromOutput = (message: string) => ({
      ...alert('web-abc-1', 'x'),
      properties: { 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-abc-1' },
      message,
    });
    const critical = run([
      falcoReport([
        fromOutput(
          '09:00:00.123456789: Critical Sensitive file opened (file=/etc/shadow)',
        ),
      ]),
    ]);
    expect(critical.status).toBe('fail');
    expect(critical.details!.alerts[0].priority).toBe('Critical');
    const warning = run([
      falcoReport([fromOutput('Warning Sensitive file opened')]),
    ]);
    expect(warning.status).toBe('warn');
    const unknownPriority = run([
      falcoReport([fromOutput('something happened')]),
    ]);
    expect(unknownPriority.status).toBe('warn');
    expect(unknownPriority.details!.alerts[0].priority).toBeUndefined();
  });

  it('reads the cluster-scoped ClusterPolicyReport falcosidekick writes', () => {
    const cluster = obj(
      'wgpolicyk8s.io/v1alpha2',
      'ClusterPolicyReport',
      'falco-cluster-policy-report',
      undefined,
      { results: [alert('web-abc-1', 'Alert', 'Launch privileged container')] },
    );
    const r = run([cluster]);
    expect(r.status).toBe('fail');
    expect(r.details!.alerts[0].report).toBe(
      'ClusterPolicyReport falco-cluster-policy-report',
    );
  });

  it('skips malformed results without throwing', () => {
    const r = run([
      falcoReport([
        null,
        7,
        'text',
        { source: 'Falco', properties: 'nope', timestamp: { seconds: 'x' } },
        { source: 'Falco', subjects: 'nope', resources: [null, 3] },
        { ...alert('web-abc-1', 'Notice'), timestamp: null, policy: 42 },
      ] as object[]),
    ]);
    expect(r.status).toBe('warn');
    expect(r.details!.alerts).toHaveLength(1);
    expect(r.details!.alerts[0]).toMatchObject({
      rule: 'Falco rule',
      time: undefined,
    });
  });

  it('is not-installed when no report kind falcosidekick writes is installed', () => {
    const r = collectRuntime(
      contextFor(deploymentChain('web', 'shop'), {
        states: {
          PolicyReport: 'not-installed',
          ClusterPolicyReport: 'not-installed',
          Report: 'not-installed',
          ClusterReport: 'not-installed',
        },
      }),
    );
    expect(r.status).toBe('not-installed');
  });
});
