import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * One raw HTTPS request to the API server with a client configuration's credentials. Tests use it
 * to read the exact status the server answers (200, 403, 404), which typed clients hide.
 *
 * @public
 */
export async function kubeRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: string }> {
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const options: https.RequestOptions = {
    method,
    hostname: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    headers: { 'content-type': contentType },
  };
  await kc.applyToHTTPSOptions(options);
  // Like client-go, honour 429 + Retry-After (a CRD's cache still initializing, or throttling).
  for (let attempt = 0; ; attempt++) {
    const response = await send(options, body);
    if (response.status !== 429 || attempt >= 10) {
      return response;
    }
    await new Promise(r =>
      setTimeout(r, Number(response.retryAfter ?? 1) * 1000),
    );
  }
}

function send(
  options: https.RequestOptions,
  body: unknown,
): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(options, res => {
      let data = '';
      res.on('data', chunk => (data += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: data,
          retryAfter: res.headers['retry-after'] as string | undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
