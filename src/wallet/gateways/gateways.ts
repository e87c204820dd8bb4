import type { Config } from '../../config.js';
import type { PaymentGateway } from './gateway.js';
import { cardErrors } from '../cards/card-errors.js';
import { sandboxGateway } from './sandbox/sandbox-gateway.js';

/**
 * The gateway adapter the configuration names (PAYMENT_GATEWAY). A real gateway plugs in by implementing
 * PaymentGateway in its own folder and adding one case here.
 */
export type GatewayName = Config['paymentGateway'];

/** One adapter per configuration, so an adapter's own memory (the sandbox's idempotency keys) lasts as long as the app. */
const adapters = new WeakMap<Config, PaymentGateway>();

/** Whether new cards can be added at all; with PAYMENT_GATEWAY=none the pages say so instead of offering it. */
export function canAddCards(config: Config): boolean {
  return config.paymentGateway !== 'none';
}

/** The configured adapter; with none configured, `card.gateway_unavailable` (503) rather than a crash. */
export function paymentGateway(config: Config): PaymentGateway {
  const known = adapters.get(config);
  if (known) return known;
  const adapter = createAdapter(config);
  adapters.set(config, adapter);
  return adapter;
}

function createAdapter(config: Config): PaymentGateway {
  switch (config.paymentGateway) {
    case 'sandbox':
      return sandboxGateway(config);
    case 'none':
      throw cardErrors.gatewayUnavailable();
  }
}
