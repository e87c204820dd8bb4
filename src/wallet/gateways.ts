import type { Config } from '../config.js';
import type { PaymentGateway } from './gateway.js';
import { sandboxGateway } from './sandbox/sandbox-gateway.js';

/**
 * The gateway adapter the configuration names (PAYMENT_GATEWAY). A real gateway plugs in by implementing
 * PaymentGateway in its own folder and adding one case here.
 */
export type GatewayName = Config['paymentGateway'];

export function paymentGateway(config: Config): PaymentGateway {
  switch (config.paymentGateway) {
    case 'sandbox':
      return sandboxGateway(config);
  }
}
