import type { ComponentChildren } from 'preact';
import { CsrfField, ErrorSummary, Field } from './forms.js';
import type { FormProblem } from './page-routes.js';

/** The meter script, loaded only on pages that ask for a new password. */
export const PASSWORD_METER_SCRIPT = '/assets/password-meter.js';

export const NEW_PASSWORD_HINT = 'At least 15 characters. Spaces are fine — a few unrelated words make a strong password.';

/**
 * A form that posts to this site with its CSRF token. `novalidate`: the server's messages, tied to each field,
 * are the one set of errors the customer sees, with or without JavaScript.
 */
export function PostForm(props: { action: string; csrf: string; class?: string; children: ComponentChildren }) {
  return (
    <form method="post" action={props.action} class={props.class} novalidate>
      <CsrfField token={props.csrf} />
      {props.children}
    </form>
  );
}

export function Problem({ problem }: { problem: FormProblem }) {
  return <ErrorSummary errors={problem.fields} message={problem.message} />;
}

/**
 * Where password-meter.js writes its verdict. Empty (and hidden by the stylesheet) until the script runs;
 * `data-name`/`data-email` give the check the words the server will also refuse.
 */
export function PasswordMeter(props: { field: string; name?: string; email?: string }) {
  return (
    <p
      class="password-meter"
      id={`${props.field}-meter`}
      data-for={props.field}
      data-name={props.name}
      data-email={props.email}
      aria-live="polite"
    />
  );
}

/** A new-password field with the rule stated up front and the live meter tied to it. */
export function NewPasswordField(props: { name: string; label: string; error?: string; context?: { name?: string; email?: string }; autofocus?: boolean }) {
  return (
    <Field
      name={props.name}
      label={props.label}
      type="password"
      autocomplete="new-password"
      hint={NEW_PASSWORD_HINT}
      error={props.error}
      spellcheck={false}
      autocapitalize="none"
      describedBy={`${props.name}-meter`}
      autofocus={props.autofocus}
      required
    >
      <PasswordMeter field={props.name} name={props.context?.name} email={props.context?.email} />
    </Field>
  );
}

/** The 6-digit code we sent: numeric keypad on phones, and the OS may offer the code from the message. */
/** The field a customer types an email address or phone number into: no spell-check, no capitals. */
export function IdentifierField(props: { label: string; value?: string; error?: string; autocomplete?: string }) {
  return (
    <Field
      name="identifier"
      label={props.label}
      autocomplete={props.autocomplete}
      value={props.value}
      error={props.error}
      spellcheck={false}
      autocapitalize="none"
      required
      autofocus
    />
  );
}

/** `autofocus: false` where the code is not the page's first field (a setup page that asks for a password first). */
export function CodeField(props: { error?: string; hint?: string; autofocus?: boolean }) {
  return (
    <Field
      name="code"
      label="Enter the 6-digit code"
      inputmode="numeric"
      autocomplete="one-time-code"
      hint={props.hint}
      error={props.error}
      spellcheck={false}
      autocapitalize="none"
      maxLength={12}
      required
      autofocus={props.autofocus ?? true}
    />
  );
}

/**
 * Tells password managers whose password a form is about (they look for a username in the same form), so a
 * saved or updated password lands on the right entry. Hidden from view and from assistive technology.
 */
export function UsernameHint({ value }: { value: string }) {
  return <input type="text" name="username" autocomplete="username" value={value} hidden readOnly tabIndex={-1} aria-hidden="true" />;
}

/** Carries a journey's `return_to` on through a form; whoever reads it checks it again (Page.returnTo). */
export function ReturnToField({ value }: { value: string | undefined }) {
  return value ? <input type="hidden" name="return_to" value={value} /> : null;
}

export function BackLink(props: { href: string; children: ComponentChildren }) {
  return (
    <p class="back-link">
      <a href={props.href}>
        <span aria-hidden="true">‹ </span>
        {props.children}
      </a>
    </p>
  );
}

/** Code errors (wrong, expired, too many tries) belong to the code field, so they are read out with it. */
export function asCodeProblem(problem: FormProblem): FormProblem {
  if (!problem.code.startsWith('code.') || !problem.message) return problem;
  return { ...problem, fields: { code: problem.message }, message: undefined };
}

/** "Didn't get it?" under a code form: one small button that posts the flow back to send a fresh code. */
export function ResendCode(props: { action: string; csrf: string; flowId: string; note: string; label: string; extra?: Record<string, string> }) {
  return (
    <div class="resend">
      <p class="muted">{props.note}</p>
      <PostForm action={props.action} csrf={props.csrf} class="inline-form compact-form">
        <input type="hidden" name="flow" value={props.flowId} />
        {Object.entries(props.extra ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="button secondary small">{props.label}</button>
      </PostForm>
    </div>
  );
}
