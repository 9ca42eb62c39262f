import { registerMswTestHooks } from '@backstage/test-utils';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ZeroTrustClient } from './ZeroTrustClient';

const server = setupServer();
const baseUrl = 'http://backend.test/api/zero-trust';

describe('ZeroTrustClient', () => {
  registerMswTestHooks(server);

  const client = new ZeroTrustClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('fetches the posture of an entity, lower-casing and encoding its ref', async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/component/default/cart%20service/posture`,
        () =>
          HttpResponse.json({
            entityRef: 'component:default/cart service',
            controls: [],
          }),
      ),
    );
    const posture = await client.getPosture({
      kind: 'Component',
      namespace: 'default',
      name: 'Cart Service',
    });
    expect(posture.entityRef).toBe('component:default/cart service');
  });

  it('turns an error response into a ResponseError with the backend message', async () => {
    server.use(
      http.get(`${baseUrl}/v1/clusters`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'nope' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.getClusters()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
    });
  });
});

describe('ZeroTrustClient routes', () => {
  registerMswTestHooks(server);
  const client = new ZeroTrustClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
  const entity = { kind: 'Component', namespace: 'default', name: 'cart' };

  it('sends the SBOM and vulnerability filters as query parameters, leaving out unset and empty ones', async () => {
    const seen: string[] = [];
    server.use(
      http.get(
        `${baseUrl}/v1/entities/component/default/cart/sbom`,
        ({ request }) => {
          seen.push(new URL(request.url).search);
          return HttpResponse.json({ items: [] });
        },
      ),
      http.get(
        `${baseUrl}/v1/entities/component/default/cart/vulnerabilities`,
        ({ request }) => {
          seen.push(new URL(request.url).search);
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    await client.getSbom(entity, {
      name: 'netty',
      type: undefined,
      license: '',
      offset: 0,
      limit: 25,
    });
    await client.getVulnerabilities(entity, {
      minSeverity: 'high',
      fixable: true,
    });
    expect(seen).toEqual([
      '?name=netty&offset=0&limit=25',
      '?minSeverity=high&fixable=true',
    ]);
  });

  it('downloads the CycloneDX SBOM and the evidence export as blobs', async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/component/default/cart/sbom`,
        ({ request }) =>
          new URL(request.url).searchParams.get('format') === 'cyclonedx'
            ? HttpResponse.text('{"bomFormat":"CycloneDX"}')
            : HttpResponse.error(),
      ),
      http.get(
        `${baseUrl}/v1/entities/component/default/cart/evidence`,
        ({ request }) =>
          HttpResponse.text(
            `format=${new URL(request.url).searchParams.get('format')}`,
          ),
      ),
    );
    expect(await (await client.downloadSbom(entity)).text()).toBe(
      '{"bomFormat":"CycloneDX"}',
    );
    expect(await (await client.downloadEvidence(entity, 'csv')).text()).toBe(
      'format=csv',
    );
  });
});
