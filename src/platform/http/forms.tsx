import type { ComponentChildren, InputHTMLAttributes } from 'preact';

/** Field errors keyed by field name, as AppError.fields carries them. */
export type FieldErrors = Record<string, string | undefined>;

/** A summary that screen readers announce and that links to each field in error. */
export function ErrorSummary({ errors, message }: { errors?: FieldErrors; message?: string }) {
  const entries = Object.entries(errors ?? {}).filter(([, text]) => text);
  if (!message && entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} id="error-summary">
      <h2>{message ?? 'There is a problem'}</h2>
      {entries.length > 0 ? (
        <ul>
          {entries.map(([field, text]) => (
            <li>
              <a href={`#${field}`}>{text}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'tel' | 'password' | 'hidden';
  value?: string;
  hint?: string;
  error?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'tel' | 'text';
  required?: boolean;
  maxLength?: number;
  pattern?: string;
  autofocus?: boolean;
  /** Off for identifiers, codes and passwords, where correcting the spelling would change what was typed. */
  spellcheck?: boolean;
  autocapitalize?: 'none' | 'words' | 'sentences';
  /** Ids of further elements that describe the input, such as a live password-strength meter. */
  describedBy?: string;
  children?: ComponentChildren;
}

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export function Field(props: FieldProps) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = props.error ? `${props.name}-error` : undefined;
  const describedBy = [hintId, errorId, props.describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={errorId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      ) : null}
      <input {...inputAttributes(props, describedBy)} />
      {props.children}
    </div>
  );
}

export interface CheckboxProps {
  name: string;
  label: string;
  checked: boolean;
  hint?: string;
  value?: string;
}

/** A checkbox with its label beside it; unchecked boxes send nothing, so the handler reads absence as "no". */
export function Checkbox(props: CheckboxProps) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  return (
    <div class="field checkbox">
      <input type="checkbox" id={props.name} name={props.name} value={props.value ?? 'yes'} checked={props.checked} aria-describedby={hintId} />
      <label for={props.name}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

function inputAttributes(props: FieldProps, describedBy: string | undefined): InputHTMLAttributes<HTMLInputElement> {
  const attributes = {
    id: props.name,
    name: props.name,
    type: props.type ?? 'text',
    value: props.value,
    autocomplete: props.autocomplete,
    inputMode: props.inputmode,
    required: props.required,
    maxLength: props.maxLength,
    pattern: props.pattern,
    autofocus: props.autofocus,
    spellcheck: props.spellcheck,
    autocapitalize: props.autocapitalize,
    'aria-invalid': props.error ? 'true' : undefined,
    'aria-describedby': describedBy,
  };
  // Preact's input typing narrows attributes per input type; ours vary by field, so widen once here.
  return attributes as unknown as InputHTMLAttributes<HTMLInputElement>;
}
