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
});
