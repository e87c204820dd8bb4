import { errors } from '../../platform/errors.js';
import { countryRule, isSupportedCountry } from './address-rules.js';
import { addAddress, editAddress, getAddress, listAddresses, setDefaultAddress, type AddressUse, type SavedAddress } from './addresses.js';
import { ADDRESS_FIELDS, parsePostalAddress, toAddressFields } from './postal-address.js';
import { AddressForm, CHANGE_COUNTRY, EMPTY_ADDRESS, type AddressFormValues } from './address-form.js';
import { AddressLines } from './address-lines.js';
import { addressIdOf, registerAddressRemovePage } from './address-remove-page.js';
import { BackLink, PostForm } from '../../platform/web/page-parts.js';
import { NO_PROBLEM, type FormProblem, type PageRoutes } from '../../platform/web/page-routes.js';
import { signedIn, type SignedInPage } from '../../sessions/guards.js';

/**
 * Your Addresses: the address book as cards with their default badges; add, edit, remove (after a confirmation
 * page, address-remove-page.tsx) and "set as default". Ids in the path are looked up with the session's account, so another customer's
 * address answers "not found" (ASVS 8.2.2).
 */
const NOTICES: Record<string, string> = {
  added: 'Your address was added.',
  saved: 'Your address was saved.',
  removed: 'Your address was removed.',
  shipping: 'Your default shipping address was changed.',
  billing: 'Your default billing address was changed.',
};

export function registerAddressPages(routes: PageRoutes): void {
  registerAddressRemovePage(routes);
  routes.get('/account/addresses', signedIn, async (page) => renderAddressBook(page, NOTICES[page.query('notice') ?? '']));

  routes.get('/account/addresses/new', signedIn, async (page) =>
    renderNewAddress(page, NO_PROBLEM, { ...EMPTY_ADDRESS, country: chooseCountry(page.query('country'), page.request.headers['accept-language']) }),
  );

  routes.post('/account/addresses/new', signedIn, async (page) => {
    if (page.field('action', 50) === CHANGE_COUNTRY) return renderNewAddress(page, NO_PROBLEM, postedValues(page));
    try {
      await addAddress(page.deps, page.session.accountId, parsePostalAddress(postedAddress(page)));
      // Added for a checkout or a card (return_to, checked again here): back there, else the address book.
      return page.redirect(page.returnTo ?? '/account/addresses?notice=added');
    } catch (error) {
      return renderNewAddress(page, page.problem(error), postedValues(page));
    }
  });

  routes.get('/account/addresses/:id/edit', signedIn, async (page) => {
    const address = await getAddress(page.deps, page.session.accountId, addressIdOf(page));
    const values = formValues(address);
    const country = page.query('country')?.toUpperCase();
    return renderEditAddress(page, address, NO_PROBLEM, country && isSupportedCountry(country) ? { ...values, country } : values);
  });

  routes.post('/account/addresses/:id/edit', signedIn, async (page) => {
    const address = await getAddress(page.deps, page.session.accountId, addressIdOf(page));
    if (page.field('action', 50) === CHANGE_COUNTRY) return renderEditAddress(page, address, NO_PROBLEM, postedValues(page));
    try {
      await editAddress(page.deps, page.session.accountId, address.id, parsePostalAddress(postedAddress(page)));
      return page.redirect('/account/addresses?notice=saved');
    } catch (error) {
      return renderEditAddress(page, address, page.problem(error), postedValues(page));
    }
  });

  routes.post('/account/addresses/:id/default', signedIn, async (page) => {
    const use = page.field('use', 20);
    if (use !== 'shipping' && use !== 'billing') throw errors.invalidInput({ use: 'Choose shipping or billing.' });
    await setDefaultAddress(page.deps, page.session.accountId, addressIdOf(page), use);
    return page.redirect(`/account/addresses?notice=${use}`);
  });
}

async function renderAddressBook(page: SignedInPage, notice?: string) {
  const addresses = await listAddresses(page.deps, page.session.accountId);
  return page.render(
    { title: 'Your Addresses', wide: true, notice },
    <>
      <BackLink href="/account">Your Account</BackLink>
      <h1 class="page-title">Your Addresses</h1>
      <p class="actions">
        <a class="button" href="/account/addresses/new">Add an address</a>
      </p>
      {addresses.length === 0 ? (
        <p class="muted">You haven't saved an address yet. Addresses you add here can be chosen at checkout.</p>
      ) : (
        <ul class="address-book">
          {addresses.map((address) => (
            <AddressCard address={address} csrf={page.csrf} />
          ))}
        </ul>
      )}
    </>,
  );
}

function AddressCard(props: { address: SavedAddress; csrf: string }) {
  const { address } = props;
  const label = address.fullName;
  return (
    <li class="card address-card">
      <p class="address-badges">
        {address.isDefaultShipping ? <span class="badge current">Default shipping</span> : null}
        {address.isDefaultBilling ? <span class="badge current">Default billing</span> : null}
      </p>
      <AddressLines address={address} />
      {address.phone ? <p class="muted">Phone: {address.phone}</p> : null}
      <div class="actions">
        <a href={`/account/addresses/${address.id}/edit`}>
          Edit<span class="visually-hidden"> the address for {label}</span>
        </a>
        <a href={`/account/addresses/${address.id}/remove`}>
          Remove<span class="visually-hidden"> the address for {label}</span>
        </a>
        {(['shipping', 'billing'] as const).map((use) =>
          (use === 'shipping' ? address.isDefaultShipping : address.isDefaultBilling) ? null : <DefaultButton id={address.id} use={use} csrf={props.csrf} label={label} />,
        )}
      </div>
    </li>
  );
}

function DefaultButton(props: { id: string; use: AddressUse; csrf: string; label: string }) {
  return (
    <PostForm action={`/account/addresses/${props.id}/default`} csrf={props.csrf} class="inline-form">
      <input type="hidden" name="use" value={props.use} />
      <button type="submit" class="button secondary small">
        Set as default {props.use}
        <span class="visually-hidden"> address: the address for {props.label}</span>
      </button>
    </PostForm>
  );
}

function renderNewAddress(page: SignedInPage, problem: FormProblem, values: AddressFormValues) {
  return page.render(
    { title: 'Add an address' },
    <>
      <BackLink href="/account/addresses">Your Addresses</BackLink>
      <section class="card narrow">
        <h1>Add an address</h1>
        <AddressForm action="/account/addresses/new" csrf={page.csrf} values={values} problem={problem} submitLabel="Add address" cancelHref="/account/addresses" returnTo={page.returnTo} />
      </section>
    </>,
    problem.status,
  );
}

function renderEditAddress(page: SignedInPage, address: SavedAddress, problem: FormProblem, values: AddressFormValues) {
  return page.render(
    { title: 'Edit your address' },
    <>
      <BackLink href="/account/addresses">Your Addresses</BackLink>
      <section class="card narrow">
        <h1>Edit your address</h1>
        <AddressForm action={`/account/addresses/${address.id}/edit`} csrf={page.csrf} values={values} problem={problem} submitLabel="Save changes" cancelHref="/account/addresses" />
      </section>
    </>,
    problem.status,
  );
}

/** The address fields exactly as posted (an array or a missing field is the checker's to refuse). */
function postedAddress(page: SignedInPage): Record<string, unknown> {
  const body = (page.request.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, body[field]]));
}

/** What the customer typed, to show back in the form; anything unreal (too long, not text) comes back empty. */
function postedValues(page: SignedInPage): AddressFormValues {
  return Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, page.echo(field, 1000)])) as AddressFormValues;
}

function formValues(address: SavedAddress): AddressFormValues {
  return Object.fromEntries(Object.entries(toAddressFields(address)).map(([field, value]) => [field, value ?? ''])) as AddressFormValues;
}

/** The country asked for, else the one the browser's language names (en-GB → GB), else the United States. */
function chooseCountry(asked: string | undefined, acceptLanguage: string | undefined): string {
  const candidates = [asked, ...(acceptLanguage ?? '').slice(0, 200).split(',').map((tag) => /^[a-z]{2,3}-([a-z]{2})\b/i.exec(tag.trim())?.[1])];
  for (const candidate of candidates) {
    const code = candidate?.toUpperCase();
    if (code && countryRule(code)) return code;
  }
  return 'US';
}
