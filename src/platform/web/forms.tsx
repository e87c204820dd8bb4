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
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name}>{props.label}</label>
      <FieldNotes name={props.name} hint={props.hint} error={props.error} />
      <input {...inputAttributes(props, describedBy(props.name, props.hint, props.error, props.describedBy))} />
      {props.children}
    </div>
  );
}

/**
 * A field's hint and error, between its label and its control, with the ids `describedBy` names: a screen reader
 * reads both when the control takes focus, and "Error:" is spoken before the message.
 */
function FieldNotes(props: { name: string; hint?: string; error?: string }) {
  return (
    <>
      {props.hint ? (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError name={props.name} error={props.error} />
    </>
  );
}

function FieldError(props: { name: string; error?: string }) {
  if (!props.error) return null;
  return (
    <p class="field-error" id={`${props.name}-error`}>
      <span class="visually-hidden">Error: </span>
      {props.error}
    </p>
  );
}

function describedBy(name: string, hint: string | undefined, error: string | undefined, extra?: string): string | undefined {
  return [hint ? `${name}-hint` : undefined, error ? `${name}-error` : undefined, extra].filter(Boolean).join(' ') || undefined;
}

/** A labelled <select>; `children` follow it inside the field (a button that applies the choice without JavaScript). */
export function SelectField(props: {
  name: string;
  label: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  value: string;
  error?: string;
  hint?: string;
  autocomplete?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name}>{props.label}</label>
      <FieldNotes name={props.name} hint={props.hint} error={props.error} />
      <select
        id={props.name}
        name={props.name}
        autocomplete={props.autocomplete}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, props.error)}
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      {props.children}
    </div>
  );
}

export function TextArea(props: { name: string; label: string; hint?: string; value: string; error?: string; maxLength: number }) {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name}>{props.label}</label>
      <FieldNotes name={props.name} hint={props.hint} error={props.error} />
      <textarea
        id={props.name}
        name={props.name}
        rows={4}
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.name, props.hint, props.error)}
      >
        {props.value}
      </textarea>
    </div>
  );
}

/**
 * A group of choices under one legend, its error tied to the group. `choices` renders each option's input and
 * label (plain text labels by default; an address, say, for richer ones); the first takes the group's name as
 * its id so the error summary's link lands on it.
 */
export function ChoiceGroup<T>(props: {
  name: string;
  legend: string;
  items: T[];
  error?: string;
  class?: string;
  /** What tells the items apart in their ids: `${name}-${key}`. */
  keyOf: (item: T) => string;
  choice: (item: T, id: string) => ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <fieldset class={`${props.class ?? 'choices'}${props.error ? ' has-error' : ''}`} aria-describedby={props.error ? `${props.name}-error` : undefined}>
      <legend>{props.legend}</legend>
      <FieldError name={props.name} error={props.error} />
      {props.items.map((item, index) => props.choice(item, index === 0 ? props.name : `${props.name}-${props.keyOf(item)}`))}
      {props.children}
    </fieldset>
  );
}

/** Radio buttons with text labels: code → label. */
export function RadioGroup(props: { name: string; legend: string; options: Record<string, string>; value: string; error?: string }) {
  return (
    <ChoiceGroup
      name={props.name}
      legend={props.legend}
      items={Object.entries(props.options)}
      error={props.error}
      keyOf={([code]) => code}
      choice={([code, label], id) => (
        <div class="choice">
          <input type="radio" id={id} name={props.name} value={code} checked={props.value === code} />
          <label for={id}>{label}</label>
        </div>
      )}
    />
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
