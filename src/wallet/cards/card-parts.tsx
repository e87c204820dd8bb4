import { returnToQuery } from '../../platform/web/return-to.js';
import type { SavedAddress } from '../addresses/addresses.js';
import { formatExpiry } from './card-expiry.js';
import { describeCard, type CardView } from './cards.js';
import { formatAddressLines } from '../addresses/postal-address.js';
import { AddressLines } from '../addresses/address-lines.js';
import { ChoiceGroup } from '../../platform/web/forms.js';
import { PostForm } from '../../platform/web/page-parts.js';
import { MaskedCard } from './masked-card.js';

/** The masked card every page shows (brand, ••••, last 4): one rendering, so no page ever shows more of a number. */
export function CardTitle({ card }: { card: CardView }) {
  return <MaskedCard brand={card.brand} last4={card.last4} />;
}

export function CardRow(props: { card: CardView; csrf: string }) {
  const { card } = props;
  // Screen readers hear which card each "Remove" and "Make default" acts on, named as the notices name it.
  const label = describeCard(card);
  return (
    <li class={card.expiry === 'expired' ? 'card saved-card expired' : 'card saved-card'}>
      <h2 class="saved-card-title">
        <CardTitle card={card} />
        {card.isDefault ? <span class="badge current">Default</span> : null}
        {card.expiry === 'expired' ? <span class="badge warning">Expired</span> : null}
        {card.expiry === 'expires_soon' ? <span class="badge warning">Expires soon</span> : null}
      </h2>
      <p class={card.expiry === 'valid' ? 'muted' : 'expiry-warning'}>
        {card.expiry === 'expired' ? 'Expired' : 'Expires'} {formatExpiry(card)}
      </p>
      <p class="muted billing-title">Billing address</p>
      <AddressLines address={card.billingAddress} />
      <div class="actions">
        <a href={`/account/cards/${card.id}/remove`}>
          Remove<span class="visually-hidden"> the {label}</span>
        </a>
        {card.isDefault ? null : (
          <PostForm action={`/account/cards/${card.id}/default`} csrf={props.csrf} class="inline-form">
            <button type="submit" class="button secondary small">
              Make default<span class="visually-hidden"> the {label}</span>
            </button>
          </PostForm>
        )}
      </div>
    </li>
  );
}

/** A radio per address book entry; the default billing address is chosen unless the customer picked another. */
export function BillingAddressChoice(props: { addresses: SavedAddress[]; chosen: string | undefined; error?: string }) {
  const chosen = props.chosen ?? props.addresses[0]?.id;
  return (
    <ChoiceGroup
      name="billing_address"
      legend="Billing address"
      class="field choices"
      items={props.addresses}
      error={props.error}
      keyOf={(address) => address.id}
      choice={(address, id) => (
        <div class="choice">
          <input type="radio" id={id} name="billing_address" value={address.id} checked={address.id === chosen} />
          <label for={id}>{formatAddressLines(address).join(', ')}</label>
        </div>
      )}
    >
      <p class="hint">
        Not listed? <a href="/account/addresses/new">Add an address</a>, then come back to add the card.
      </p>
    </ChoiceGroup>
  );
}

/** The address page brings the customer back here afterwards, with this page's own destination kept. */
export function NoAddressYet({ returnTo }: { returnTo?: string }) {
  const back = `/account/cards/new${returnToQuery(returnTo)}`;
  return (
    <>
      <p>A card needs a billing address: the address your bank has for the card.</p>
      <p class="actions">
        <a class="button" href={`/account/addresses/new${returnToQuery(back)}`}>Add an address</a>
      </p>
      <p class="hint">We'll bring you back here to add the card.</p>
    </>
  );
}
