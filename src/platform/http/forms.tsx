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
  children?: ComponentChildren;
}

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export function Field(props: FieldProps) {
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = props.error ? `${props.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
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
    'aria-invalid': props.error ? 'true' : undefined,
    'aria-describedby': describedBy,
  };
  // Preact's input typing narrows attributes per input type; ours vary by field, so widen once here.
  return attributes as unknown as InputHTMLAttributes<HTMLInputElement>;
}
