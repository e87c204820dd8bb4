/** How the delivery worker hands an SMS to the outside world. */
export interface SmsTransport {
  send(m: { to: string; body: string }): Promise<void>;
}

/**
 * Posts `{"to": "+E164", "body": "…"}` as JSON to an SMS gateway (or a small adapter in front of one).
 * Errors name the status or the network failure only: the gateway's answer may echo the message, and error
 * text ends up in logs and in the outbox row.
 */
export function createWebhookSmsTransport(url: string, options: { timeoutMs?: number } = {}): SmsTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async send(m) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to: m.to, body: m.body }),
          // A redirect could carry the code to a host nobody configured.
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new Error(describeFetchFailure(error, timeoutMs));
      }
      // The body is not read (see above), but it is released so the connection can be reused.
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw new Error(`SMS webhook answered HTTP ${response.status}`);
    },
  };
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `SMS webhook timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  return `SMS webhook unreachable (${code})`;
}
