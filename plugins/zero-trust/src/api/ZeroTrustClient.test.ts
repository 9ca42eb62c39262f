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
