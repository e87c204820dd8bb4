import { Field, SelectField } from '../../platform/web/forms.js';
import { countryRule, SUPPORTED_COUNTRIES, type CountryRule } from './address-rules.js';
import { findRegion } from './address-regions.js';
import { ADDRESS_LIMITS, type AddressField } from './postal-address.js';
import { PostForm, Problem, ReturnToField } from '../../platform/web/page-parts.js';
import type { FormProblem } from '../../platform/web/page-routes.js';

/**
 * The address form. Its fields follow the chosen country: labels ("ZIP code", "Postcode", "PIN code"), which
 * fields are optional, a list of states where the country has a short one, and the order the country writes
 * them in. Without JavaScript the customer picks the country and presses "Update the form"; the form comes back
 * with what they typed kept. The server checks every field whatever the form showed.
 */
export type AddressFormValues = Record<AddressField, string>;

export const EMPTY_ADDRESS: AddressFormValues = {
  full_name: '', line1: '', line2: '', city: '', region: '', postal_code: '', country: '', phone: '',
};

/** The button that re-renders the form for the chosen country instead of saving. */
export const CHANGE_COUNTRY = 'change_country';

export function AddressForm(props: {
  action: string;
  csrf: string;
  values: AddressFormValues;
  problem: FormProblem;
  submitLabel: string;
  cancelHref: string;
  /** Where adding the address leads on to; carried through "Update the form" too. */
  returnTo?: string;
}) {
  const { values, problem } = props;
  const rule = countryRule(values.country) ?? countryRule('US')!;
  const errors = problem.fields;
  const optional = (label: string, needed: boolean) => (needed ? label : `${label} (optional)`);
  const max = (field: AddressField) => ADDRESS_LIMITS[field];

  const city = (
    <Field name="city" label={optional(rule.labels.city, rule.requires.city)} value={values.city} error={errors.city} autocomplete="address-level2" maxLength={max('city')} required={rule.requires.city} />
  );
  const region = <RegionField rule={rule} value={values.region} error={errors.region} />;
  const postal = (
    <Field name="postal_code" label={optional(rule.labels.postalCode, rule.requires.postalCode)} value={values.postal_code} error={errors.postal_code} hint={`For example, ${rule.postal.example}.`} autocomplete="postal-code" spellcheck={false} maxLength={max('postal_code')} required={rule.requires.postalCode} />
  );
  const street = (
    <>
      <Field name="line1" label="Address line 1" hint="Street and number, or PO box." value={values.line1} error={errors.line1} autocomplete="address-line1" maxLength={max('line1')} required />
      <Field name="line2" label="Address line 2 (optional)" hint="Apartment, suite, building or floor." value={values.line2} error={errors.line2} autocomplete="address-line2" maxLength={max('line2')} />
    </>
  );
  // Japan, China and Korea write from the largest unit down, so their forms ask in that order too.
  const largestFirst = rule.layout[0] === '{zip}';

  return (
    <>
      <Problem problem={problem} />
      <PostForm action={props.action} csrf={props.csrf}>
        <ReturnToField value={props.returnTo} />
        {/* Enter in a field presses a form's first submit button: make that one save, not "Update the form". */}
        <button type="submit" name="action" value="save" class="visually-hidden" tabIndex={-1} aria-hidden="true">
          {props.submitLabel}
        </button>
        <SelectField
          name="country"
          label="Country or region"
          options={SUPPORTED_COUNTRIES.map((country) => [country.code, country.name])}
          value={rule.code}
          error={errors.country}
          autocomplete="country"
          hint="The fields below follow this country's address format."
        >
          <button type="submit" name="action" value={CHANGE_COUNTRY} class="button secondary small country-update">
            Update the form for this country
          </button>
        </SelectField>
        <Field name="full_name" label="Full name" value={values.full_name} error={errors.full_name} autocomplete="name" maxLength={max('full_name')} required />
        {largestFirst ? (
          <>
            {postal}
            {region}
            {city}
            {street}
          </>
        ) : (
          <>
            {street}
            {city}
            {region}
            {postal}
          </>
        )}
        <Field name="phone" label="Phone number (optional)" type="tel" hint="For the carrier, if they need to reach you about a delivery." value={values.phone} error={errors.phone} autocomplete="tel" maxLength={max('phone')} />
        <div class="form-actions">
          <button type="submit" name="action" value="save" class="button">
            {props.submitLabel}
          </button>
          <a href={props.cancelHref}>Cancel</a>
        </div>
      </PostForm>
    </>
  );
}

function RegionField(props: { rule: CountryRule; value: string; error?: string }) {
  const { rule } = props;
  const label = rule.requires.region ? rule.labels.region : `${rule.labels.region} (optional)`;
  if (!rule.regions) {
    return <Field name="region" label={label} value={props.value} error={props.error} autocomplete="address-level1" maxLength={ADDRESS_LIMITS.region} required={rule.requires.region} />;
  }
  // A name typed for another country ("california") still finds its entry.
  const chosen = props.value ? findRegion(rule.regions, props.value) : undefined;
  return (
    <SelectField
      name="region"
      label={label}
      options={[['', 'Choose…'], ...rule.regions.map(([code, name]) => [code, name] as const)]}
      value={chosen ?? ''}
      error={props.error}
      autocomplete="address-level1"
    />
  );
}
