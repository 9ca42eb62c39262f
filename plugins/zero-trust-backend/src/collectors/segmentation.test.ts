import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectSegmentation } from './segmentation';

const np = (name: string, spec: Record<string, unknown>, namespace = 'shop') =>
  obj('networking.k8s.io/v1', 'NetworkPolicy', name, namespace, { spec });
const cnp = (name: string, spec: Record<string, unknown>, namespace = 'shop') =>
  obj('cilium.io/v2', 'CiliumNetworkPolicy', name, namespace, { spec });
const ccnp = (name: string, spec: Record<string, unknown>) =>
  obj('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', name, undefined, {
    spec,
  });

const defaultDeny = np('default-deny', {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
});
const webPolicy = np('web', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'shop' },
          },
          podSelector: { matchLabels: { app: 'frontend' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 8080 }],
    },
    { ports: [{ protocol: 'TCP', port: 15008 }] },
  ],
  egress: [
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
          },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [{ protocol: 'UDP', port: 53 }],
    },
  ],
});
const pods = deploymentChain('web', 'shop');

describe('collectSegmentation', () => {
  it('passes with namespace default-deny plus a per-workload allowlist', () => {
    const result = collectSegmentation(
      contextFor([...pods, defaultDeny, webPolicy]),
    );
    expect(result.status).toBe('pass');
    const { ingress, egress, policies } = result.details!;
    expect(ingress).toMatchObject({ isolated: true, defaultDeny: true });
    expect(egress).toMatchObject({
      isolated: true,
      defaultDeny: true,
      world: false,
      fqdns: [],
    });
    expect(ingress.allowed.map(p => [p.kind, p.description, p.ports])).toEqual([
      [
        'pods',
        'pods app=frontend in namespaces kubernetes.io/metadata.name=shop',
        ['TCP/8080'],
      ],
      ['any', 'anywhere', ['TCP/15008']],
    ]);
    expect(egress.allowed[0]).toMatchObject({
      description:
        'pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system',
      ports: ['UDP/53'],
    });
    expect(policies.map(p => p.name)).toEqual(['default-deny', 'web']);
    expect(result.evidence).toHaveLength(2);
  });

  it('fails when nothing selects the pods, and ignores policies of other pods or namespaces', () => {
    const result = collectSegmentation(
      contextFor([
        ...pods,
        np('other', {
          podSelector: { matchLabels: { app: 'db' } },
          policyTypes: ['Ingress'],
        }),
        np(
          'elsewhere',
          { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
          'other',
        ),
      ]),
    );
    expect(result.status).toBe('fail');
    expect(result.details!.policies).toEqual([]);
  });

  it('defaults policyTypes like the API server: Ingress only without egress rules', () => {
    const ingressOnly = np('ingress-only', { podSelector: {}, ingress: [] });
    const result = collectSegmentation(contextFor([...pods, ingressOnly]));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('Egress is not restricted.');
    expect(result.details!.egress.world).toBe(true);
  });

  it('warns on ingress from anywhere on every port and on egress to 0.0.0.0/0', () => {
    const open = np('web-open', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{}],
      egress: [
        {
          to: [
            { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } },
          ],
        },
      ],
    });
    const result = collectSegmentation(contextFor([...pods, open]));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe(
      'Egress to the internet is allowed; ingress from anywhere on every port is allowed by web-open.',
    );
    expect(result.details!.egress.allowed[0].description).toBe(
      '0.0.0.0/0 except 169.254.169.254/32',
    );
  });

  it('reads CiliumNetworkPolicy FQDN egress with k8s:-prefixed selectors', () => {
    const fqdn = cnp('web-egress-fqdn', {
      endpointSelector: { matchLabels: { 'k8s:app': 'web' } },
      egress: [
        {
          toEndpoints: [
            {
              matchLabels: {
                'k8s:io.kubernetes.pod.namespace': 'kube-system',
                'k8s:k8s-app': 'kube-dns',
              },
            },
          ],
          toPorts: [
            {
              ports: [{ port: '53', protocol: 'ANY' }],
              rules: { dns: [{ matchPattern: '*' }] },
            },
          ],
        },
        {
          toFQDNs: [
            { matchName: 'api.stripe.com' },
            { matchPattern: '*.googleapis.com' },
          ],
          toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
        },
      ],
    });
    const result = collectSegmentation(
      contextFor([...pods, defaultDeny, webPolicy, fqdn]),
    );
    expect(result.status).toBe('pass');
    expect(result.details!.egress.fqdns).toEqual([
      'api.stripe.com',
      '*.googleapis.com',
    ]);
    expect(result.details!.egress.allowed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'fqdn',
          description: 'api.stripe.com',
          ports: ['TCP/443'],
          policy: expect.objectContaining({
            kind: 'CiliumNetworkPolicy',
            cluster: 'test',
          }),
        }),
        expect.objectContaining({
          kind: 'pods',
          description: 'endpoints k8s-app=kube-dns in kube-system',
          ports: ['ANY/53'],
        }),
      ]),
    );
    expect(result.summary).toMatch(
      /FQDNs api\.stripe\.com, \*\.googleapis\.com/,
    );
  });

  it('lets a clusterwide egressDeny of world both isolate egress and cancel a world allow', () => {
    const denyWorld = ccnp('deny-world', {
      endpointSelector: {
        matchExpressions: [
          {
            key: 'k8s:io.kubernetes.pod.namespace',
            operator: 'NotIn',
            values: ['kube-system'],
          },
        ],
      },
      egressDeny: [{ toEntities: ['world'] }],
    });
    const allowWorld = cnp('web-world', {
      endpointSelector: { matchLabels: { app: 'web' } },
      egress: [{ toEntities: ['world'] }],
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'frontend' } }] }],
    });
    const result = collectSegmentation(
      contextFor([...pods, denyWorld, allowWorld]),
    );
    expect(result.details!.egress).toMatchObject({
      isolated: true,
      defaultDeny: true,
      world: false,
    });
    expect(result.details!.egress.denied).toEqual([
      expect.objectContaining({ kind: 'entity', description: 'world' }),
    ]);
    expect(result.details!.ingress.allowed[0].description).toBe(
      'endpoints app=frontend in shop',
    );
    expect(result.status).toBe('pass');

    const noDeny = collectSegmentation(contextFor([...pods, allowWorld]));
    expect(noDeny.status).toBe('warn');
    expect(noDeny.details!.egress.world).toBe(true);
  });

  it('honours enableDefaultDeny: false and skips host policies and other namespaces', () => {
    const audit = cnp('web-observe', {
      endpointSelector: { matchLabels: { app: 'web' } },
      enableDefaultDeny: { ingress: false, egress: false },
      ingress: [{ fromEntities: ['cluster'] }],
    });
    const host = ccnp('host', {
      nodeSelector: {},
      ingress: [{ fromEntities: ['cluster'] }],
    });
    const otherNs = cnp(
      'other',
      { endpointSelector: {}, ingress: [] },
      'other',
    );
    const result = collectSegmentation(
      contextFor([...pods, audit, host, otherNs]),
    );
    expect(result.status).toBe('fail');
    expect(result.details!.policies.map(p => p.name)).toEqual(['web-observe']);
  });

  it('tolerates malformed policies and is not-installed only when no policy kind is served', () => {
    const malformed = [
      np('bad-spec', 'nope' as any),
      cnp('bad-rules', {
        endpointSelector: { matchLabels: { app: 'web' } },
        egress: 'x',
        ingress: [null],
      }),
      obj('cilium.io/v2', 'CiliumNetworkPolicy', 'specs', 'shop', {
        specs: [null, { endpointSelector: {}, ingress: [] }],
      }),
    ];
    const result = collectSegmentation(contextFor([...pods, ...malformed]));
    expect(result.details!.ingress.isolated).toBe(true);

    expect(
      collectSegmentation(
        contextFor(pods, {
          states: {
            NetworkPolicy: 'forbidden',
            CiliumNetworkPolicy: 'not-installed',
            CiliumClusterwideNetworkPolicy: 'not-installed',
          },
        }),
      ).status,
    ).toBe('forbidden');
    // Without Cilium the NetworkPolicies alone decide.
    expect(
      collectSegmentation(
        contextFor([...pods, defaultDeny, webPolicy], {
          states: {
            CiliumNetworkPolicy: 'not-installed',
            CiliumClusterwideNetworkPolicy: 'not-installed',
          },
        }),
      ).status,
    ).toBe('pass');
  });
});
