import autocannon from 'autocannon';

/** Thin wrappers over autocannon: one fixed request, or the three-request sign-in flow. */
export interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function loadGet(url: string, options: { path: string; connections: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const result = await autocannon({
    url: url + options.path,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
  });
  return {
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** Password sign-ins through the full HTTP flow: start a flow, identify, password. Counts completed sign-ins. */
export async function loadSignins(
  url: string,
  options: { identifier: string; password: string; deviceCookie: string; connections: number; seconds: number },
): Promise<LoadResult> {
  let completed = 0;
  let failed = 0;
  const headers = { 'content-type': 'application/json', cookie: `__Host-custos_device=${options.deviceCookie}` };
  type Context = { flow?: string };
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/signin/flows',
        headers,
        body: '{}',
        onResponse: (_status: number, body: string, context: Context) => {
          context.flow = (JSON.parse(body) as { flow: { id: string } }).flow.id;
        },
      },
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ identifier: options.identifier }),
        setupRequest: (request, context: Context) => ({ ...request, path: `/api/v1/signin/flows/${context.flow}/identifier` }),
      },
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ password: options.password }),
        setupRequest: (request, context: Context) => ({ ...request, path: `/api/v1/signin/flows/${context.flow}/password` }),
        onResponse: (status: number) => {
          if (status === 201) completed++;
          else failed++;
        },
      },
    ],
  } as autocannon.Options);
  return { perSecond: completed / options.seconds, p50: result.latency.p50, p99: result.latency.p99, errors: failed + result.errors + result.timeouts };
}
