import { BACKUP_CODE_COUNT } from './backup-codes/backup-codes.js';
import type { TwoStepOverview } from './enrolment.js';
import type { FactorSummary } from './store.js';
import { maskPhone } from '../notify/mask.js';
import { formatTime } from '../platform/format.js';
import type { FactorKind } from '../platform/db/schema.js';
import { PostForm } from '../platform/web/page-parts.js';
import type { SignedInPage } from '../sessions/guards.js';

/** Pieces the two-step pages share with sign-in and with Login & Security. */

/** `+15555550167` → `••67`: the end of the number, as the customer would recognise it. */
export function phoneEnding(e164: string): string {
  return maskPhone(e164).split(' ').pop() ?? '';
}

/** The methods that make two-step verification "on", as the summary names them. */
const SUMMARY_NAMES: ReadonlyArray<readonly [FactorKind, string]> = [
  ['passkey', 'passkey'],
  ['totp', 'authenticator app'],
  ['sms', 'text messages'],
];

/** "On — authenticator app, text messages" or "Off", for the Login & Security row. */
export function twoStepSummary(kinds: FactorKind[]): string {
  const names = SUMMARY_NAMES.filter(([kind]) => kinds.includes(kind)).map(([, name]) => name);
  return names.length > 0 ? `On — ${names.join(', ')}` : 'Off';
}

/** An authenticator key as people type it: groups of four, which the apps ignore. */
export function groupedKey(key: string): string {
  return key.match(/.{1,4}/g)?.join(' ') ?? key;
}

/**
 * The backup codes, shown this once. The page must never be cached or stored by the browser or a proxy
 * (the codes are as good as a second factor), so it says no-store even when it answers a POST.
 */
export function renderBackupCodes(page: SignedInPage, codes: string[], notice?: string) {
  page.reply.header('cache-control', 'no-store');
  return page.render(
    { title: 'Your backup codes', notice },
    <section class="card narrow backup-codes-card">
      <h1>Your backup codes</h1>
      <p>If you can't use your phone, you can sign in with one of these codes instead.</p>
      <ol class="backup-codes" aria-label="Backup codes">
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <ul class="backup-rules">
        <li>Print or write these down now and keep them somewhere safe: we won't show them again.</li>
        <li>Each code works once.</li>
        <li>Getting new codes voids these.</li>
      </ul>
      <p class="actions">
        <a class="button" href="/account/two-step">I've saved my codes</a>
      </p>
    </section>,
  );
}

export function FactorRow(props: { factor: FactorSummary; phone: string | undefined; csrf: string }) {
  const { factor } = props;
  const name = factor.kind === 'totp' ? 'Authenticator app' : 'Text messages';
  return (
    <li class="setting">
      <div class="setting-body">
        <h3>{name}</h3>
        {factor.kind === 'sms' ? (
          <p>{props.phone ? `To your phone ending in ${phoneEnding(props.phone)}` : 'Not working: your account has no confirmed mobile number.'}</p>
        ) : null}
        <p class="muted">
          Added {formatTime(factor.createdAt)} · {factor.lastUsedAt ? `Last used ${formatTime(factor.lastUsedAt)}` : 'Not used yet'}
        </p>
      </div>
      <PostForm action="/account/two-step/remove" csrf={props.csrf} class="inline-form">
        <input type="hidden" name="factor" value={factor.id} />
        <button type="submit" class="button danger small">
          Remove<span class="visually-hidden"> {name.toLowerCase()}</span>
        </button>
      </PostForm>
    </li>
  );
}

/** Passkeys count as a second step too, but are added and removed on their own page. */
export function PasskeysRow({ count }: { count: number }) {
  return (
    <li class="setting">
      <div class="setting-body">
        <h3>Passkeys</h3>
        <p class="muted">{count === 1 ? '1 passkey' : `${count} passkeys`}</p>
      </div>
      <a class="button secondary small" href="/account/passkeys">
        Manage<span class="visually-hidden"> passkeys</span>
      </a>
    </li>
  );
}

export function BackupCodes(props: { left: number; csrf: string }) {
  return (
    <section class="card" aria-labelledby="backup-title">
      <h2 id="backup-title">Backup codes</h2>
      <p>For when you can't use your phone. Each code works once.</p>
      <p class={props.left > 0 ? 'backup-left' : 'backup-left none'}>
        {props.left} of {BACKUP_CODE_COUNT} left
      </p>
      {props.left > 0 ? <p class="hint">Getting new codes voids the ones you have.</p> : null}
      <PostForm action="/account/two-step/backup-codes" csrf={props.csrf} class="compact-form">
        <button type="submit" class="button secondary">Get new backup codes</button>
      </PostForm>
    </section>
  );
}

export function RememberedDevices(props: { devices: TwoStepOverview['rememberedDevices']; csrf: string }) {
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices that don't ask for a code</h2>
      {props.devices.length === 0 ? (
        <p class="muted">None. When you sign in, you can choose not to be asked again on that device for 30 days.</p>
      ) : (
        <>
          <ul class="sessions">
            {props.devices.map((device) => (
              <li class="session">
                <div class="session-body">
                  <h3>{device.device}</h3>
                  <p class="muted">{device.place}</p>
                  <p class="muted">
                    Remembered {formatTime(device.createdAt)} · Until {formatTime(device.expiresAt)}
                  </p>
                </div>
                <PostForm action="/account/two-step/devices/forget" csrf={props.csrf} class="inline-form">
                  <input type="hidden" name="device" value={device.id} />
                  <button type="submit" class="button secondary small">
                    Forget<span class="visually-hidden"> {device.device}</span>
                  </button>
                </PostForm>
              </li>
            ))}
          </ul>
          <PostForm action="/account/two-step/devices/forget-all" csrf={props.csrf} class="compact-form">
            <button type="submit" class="button secondary">Forget all devices</button>
          </PostForm>
        </>
      )}
    </section>
  );
}
