import { brandName } from '../gateways/gateway.js';

/** "Visa •••• 4242", read aloud as "Visa ending in 4242": the last 4 are all anyone sees of a card number. */
export function MaskedCard({ brand, last4 }: { brand: string; last4: string }) {
  return (
    <span class="card-name">
      {brandName(brand)} <span aria-hidden="true">••••</span>
      <span class="visually-hidden"> ending in</span> {last4}
    </span>
  );
}
