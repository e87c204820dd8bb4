import { formatAddressLines } from './address-format.js';
import type { PostalAddress } from './postal-address.js';

/** A postal address as the country writes it, one line per span: how the address book and the card pages show one. */
export function AddressLines({ address }: { address: PostalAddress }) {
  return (
    <address class="address-lines">
      {formatAddressLines(address).map((line) => (
        <span>{line}</span>
      ))}
    </address>
  );
}
