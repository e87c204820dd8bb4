/**
 * The Custos partner API as this shop uses it: plain HTTPS calls with the shop's client credentials (HTTP Basic),
 * as any shop in any language would make them. Money is integers of minor units throughout.
 */
export interface CartItem {
  name: string;
  quantity: number;
  unit_amount: number;
}

export interface CheckoutSession {
  id: string;
  url: string;
  /** open, approved, declined, charged or expired. */
  status: string;
  /** Only in the first read after the customer approved: single use, so it is redeemed at once and never stored. */
  charge_permission?: string | null;
}

export interface Charge {
  id: string;
  amount: number;
  /** Refunded so far, in minor units. */
  refunded: number;
  currency: string;
  order: { number: string };
  shipping_address: Record<string, unknown> | null;
  card: { brand: string };
}

export interface Refund {
  id: string;
  amount: number;
}

/** What Custos answered when it refused a request: its stable code and its message for people. */
export class CustosApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class CustosApi {
  private readonly authorization: string;

  constructor(
    private readonly custosUrl: string,
    clientId: string,
    clientSecret: string,
  ) {
    // RFC 6749 §2.3.1: each part form-urlencoded before joining, as the OpenID provider expects too.
    this.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  }

  createCheckoutSession(body: { amount: number; currency: string; items: CartItem[]; return_url: string }): Promise<CheckoutSession> {
    return this.call('POST', '/checkout-sessions', { body });
  }

  getCheckoutSession(id: string): Promise<CheckoutSession> {
    return this.call('GET', `/checkout-sessions/${encodeURIComponent(id)}`);
  }

  /** The idempotency key makes a retry (a reload, a timeout) answer the same charge instead of charging again. */
  charge(chargePermission: string, idempotencyKey: string): Promise<Charge> {
    return this.call('POST', '/charges', { body: { charge_permission: chargePermission }, idempotencyKey });
  }

  refund(chargeId: string, amount: number, idempotencyKey: string): Promise<{ refund: Refund; charge: Charge }> {
    return this.call('POST', `/charges/${encodeURIComponent(chargeId)}/refunds`, { body: { amount }, idempotencyKey });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; idempotencyKey?: string } = {}): Promise<T> {
    const response = await fetch(`${this.custosUrl}/api/partner/v1${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CustosApiError(response.status, 'custos.not_json', `Custos answered ${response.status} without JSON`);
    }
    if (!response.ok) throw new CustosApiError(response.status, json?.error?.code ?? 'custos.error', json?.error?.message ?? `Custos answered ${response.status}`);
    return json as T;
  }
}
