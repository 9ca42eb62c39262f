import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { KubeObject } from '../sources/types';
import {
  dropAndExecute,
  falcoClusterPolicyReport,
  falcoPolicyReport,
  falcosidekickPodResult,
  readSensitiveFile,
  terminalShell,
  writeBelowBinaryDir,
} from './__fixtures__/upstream/falcosidekick/policyReports';
import { collectRuntime } from './runtime';

const run = (objects: object[]) =>
  collectRuntime(
    contextFor([
      ...deploymentChain('web', 'shop'),
      ...(objects as KubeObject[]),
    ]),
  );

describe('collectRuntime on the reports falcosidekick writes', () => {
  it.each([
    ['Notice', terminalShell, 'pass'],
    ['Warning', readSensitiveFile, 'warn'],
    ['Error', writeBelowBinaryDir, 'fail'],
    ['Critical', dropAndExecute, 'fail'],
  ])('a %s event about one of the pods gives %s', (priority, event, status) => {
    const r = run([
      falcoPolicyReport('shop', [
        event('web-abc-1', 'shop'),
        dropAndExecute('other-1', 'shop'),
      ]),
    ]);
    expect(r.status).toBe(status);
    expect(r.details!.alerts).toEqual([
      expect.objectContaining({
        pod: 'web-abc-1',
        namespace: 'shop',
        container: 'server',
        rule: event('x', 'y').rule,
        priority,
        result: event('x', 'y').result,
        report: 'PolicyReport shop/falco-policy-report',
      }),
    ]);
    expect(r.evidence.map(e => e.name)).toEqual(['falco-policy-report']);
  });

  it.each(['Alert', 'Emergency'] as const)('an %s event fails', priority => {
    const r = run([
      falcoPolicyReport('shop', [
        falcosidekickPodResult('web-abc-1', 'shop', {
          rule: 'Custom rule',
          priority,
          severity: 'critical',
          result: 'fail',
          output: 'something bad',
        }),
      ]),
    ]);
    expect(r.status).toBe('fail');
    expect(r.details!.alerts[0].priority).toBe(priority);
  });

  it('lists events below Warning without lowering the control, and names them', () => {
    const r = run([
      falcoPolicyReport('shop', [
        terminalShell('web-abc-1', 'shop'),
        readSensitiveFile('web-abc-1', 'shop'),
      ]),
    ]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      '1 Falco alert(s): Read sensitive file untrusted. 1 event below Warning (not scored by falcosidekick): Terminal shell in container.',
    );
    const quiet = run([
      falcoPolicyReport('shop', [terminalShell('web-abc-1', 'shop')]),
    ]);
    expect(quiet.status).toBe('pass');
    expect(quiet.summary).toMatch(/Terminal shell in container/);
  });

  it('does not read the timestamp falcosidekick writes as a time (it is the second of the minute)', () => {
    const r = run([
      falcoPolicyReport('shop', [writeBelowBinaryDir('web-abc-1', 'shop')]),
    ]);
    expect(r.details!.alerts[0].time).toBeUndefined();
  });

  it('an Error event fails even when its result says otherwise, and a result of fail fails whatever the priority', () => {
    const mislabelled = {
      ...writeBelowBinaryDir('web-abc-1', 'shop'),
      result: 'warn',
    };
    expect(run([falcoPolicyReport('shop', [mislabelled])]).status).toBe('fail');
    const failNotice = {
      ...terminalShell('web-abc-1', 'shop'),
      result: 'fail',
    };
    expect(run([falcoPolicyReport('shop', [failNotice])]).status).toBe('fail');
  });

  it('tells the priority from the severity when the output line carries none', () => {
    const bare = (severity: string, result: string) => ({
      ...writeBelowBinaryDir('web-abc-1', 'shop'),
      message: 'File below a known binary directory opened for writing',
      severity,
      result,
    });
    const high = run([falcoPolicyReport('shop', [bare('high', 'fail')])]);
    expect(high.details!.alerts[0].priority).toBe('Error');
    expect(high.status).toBe('fail');
    const medium = run([falcoPolicyReport('shop', [bare('medium', 'warn')])]);
    expect(medium.details!.alerts[0].priority).toBe('Warning');
    expect(medium.status).toBe('warn');
  });

  it('finds the pod from the output fields, not the report namespace (falcosidekick falls back to its own namespace)', () => {
    // `createOrUpdatePolicyReport`: an event whose namespace is unknown goes to falcosidekick's
    // namespace with the subject's namespace rewritten; the output fields keep the event's.
    const inFalcoNamespace = falcoPolicyReport('falco', [
      writeBelowBinaryDir('web-abc-1', 'shop'),
    ]);
    expect(run([inFalcoNamespace]).status).toBe('fail');
  });

  it('finds the pod from `resources` when the output fields do not name it', () => {
    const { properties: _dropped, ...noFields } = writeBelowBinaryDir(
      'web-abc-1',
      'shop',
    );
    const r = run([falcoPolicyReport('shop', [noFields])]);
    expect(r.status).toBe('fail');
    expect(r.details!.alerts[0]).toMatchObject({
      pod: 'web-abc-1',
      namespace: 'shop',
    });
  });

  it('reads a k8saudit event on a pod (ka.target.*)', () => {
    const audit = {
      policy: 'k8saudit',
      rule: 'Attach/Exec Pod',
      category: 'SI - System and Information Integrity',
      source: 'Falco',
      timestamp: { seconds: 3, nanos: 0 },
      severity: 'low',
      result: 'skip',
      message:
        '09:00:03.000000000: Notice Attach/Exec to pod (user=admin pod=web-abc-1 resource=pods ns=shop action=exec command=sh)',
      properties: {
        'ka.target.namespace': 'shop',
        'ka.target.resource': 'pods',
        'ka.target.name': 'web-abc-1',
        'ka.user.name': 'admin',
      },
      resources: [
        { namespace: 'shop', name: 'web-abc-1', kind: 'Pod', apiVersion: 'v1' },
      ],
    };
    const r = run([falcoPolicyReport('shop', [audit])]);
    expect(r.status).toBe('pass');
    expect(r.details!.alerts[0]).toMatchObject({
      rule: 'Attach/Exec Pod',
      pod: 'web-abc-1',
      priority: 'Notice',
      result: 'skip',
    });
  });

  it('passes when Falco reports nothing about the workload, also with only the ClusterPolicyReport', () => {
    const r = run([
      falcoPolicyReport('shop', [dropAndExecute('other-1', 'shop')]),
    ]);
    expect(r.status).toBe('pass');
    expect(r.details!.falcoReporting).toBe(true);
    const clusterOnly = run([falcoClusterPolicyReport]);
    expect(clusterOnly.status).toBe('pass');
    expect(clusterOnly.details!.falcoReporting).toBe(true);
  });

  it('reads a falcosidekick 2.28 result, which put the rule in `policy`', () => {
    const old = {
      ...writeBelowBinaryDir('web-abc-1', 'shop'),
      policy: 'Write below binary dir',
      rule: undefined,
    };
    const r = run([falcoPolicyReport('shop', [old])]);
    expect(r.details!.alerts[0].rule).toBe('Write below binary dir');
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
    expect(r.summary).toMatch(/falcosidekick's PolicyReport output/);
  });

  it('does not read openreports.io kinds: falcosidekick writes none', () => {
    const report = obj('openreports.io/v1alpha1', 'Report', 'x', 'shop', {
      results: [
        {
          ...dropAndExecute('web-abc-1', 'shop'),
        },
      ],
    });
    expect(run([report]).status).toBe('unknown');
  });

  it('reads a report with malformed results', () => {
    const broken = obj('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'x', 'shop', {
      results: 'nope',
    });
    expect(run([broken]).status).toBe('unknown');
  });

  it('skips malformed results without throwing', () => {
    const r = run([
      obj(
        'wgpolicyk8s.io/v1alpha2',
        'PolicyReport',
        'falco-policy-report',
        'shop',
        {
          results: [
            null,
            7,
            'text',
            {
              source: 'Falco',
              properties: 'nope',
              timestamp: { seconds: 'x' },
            },
            { source: 'Falco', resources: [null, 3] },
            {
              source: 'Falco',
              policy: 42,
              properties: {
                'k8s.ns.name': 'shop',
                'k8s.pod.name': 'web-abc-1',
              },
            },
          ],
        },
      ),
    ]);
    // An event with neither result nor priority still needs a look.
    expect(r.status).toBe('warn');
    expect(r.details!.alerts).toHaveLength(1);
    expect(r.details!.alerts[0]).toMatchObject({ rule: 'Falco rule' });
  });

  it('is not-installed when no report kind falcosidekick writes is installed', () => {
    const r = collectRuntime(
      contextFor(deploymentChain('web', 'shop'), {
        states: {
          PolicyReport: 'not-installed',
          ClusterPolicyReport: 'not-installed',
        },
      }),
    );
    expect(r.status).toBe('not-installed');
  });
});
