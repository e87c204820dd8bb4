import type { Deps } from '../platform/context.js';
import type { MethodName, Principal, Proofs, SigninMethod } from './method.js';
import { passwordMethod } from './password/password-method.js';
import { passkeyMethod } from './passkey/passkey-method.js';
import { totpMethod } from './totp/totp-method.js';
import { smsMethod } from './sms/sms-method.js';
import { backupCodeMethod } from './backup-codes/backup-code-method.js';
import { rememberedDeviceMethod } from './remembered-device/remembered-device-method.js';

/**
 * Every sign-in method, one line each, in the order the second step offers them: a passkey first, the one a
 * phishing site can't relay (SECURITY.md, ASVS 6.6.1); backup codes last, as the stand-in for a lost factor.
 */
export const SIGNIN_METHODS: readonly SigninMethod[] = [
  passwordMethod,
  passkeyMethod,
  totpMethod,
  smsMethod,
  backupCodeMethod,
  rememberedDeviceMethod,
];

/** The methods a second step can use. */
export type SecondStepMethod = Extract<MethodName, 'passkey' | 'totp' | 'sms' | 'backup_code'>;

/**
 * The second-step methods the principal has, in the order offered. `alreadyPassed`: a factor that got the
 * customer this far can't also be the second one (SMS sign-in + SMS, an unverified passkey + itself).
 */
export async function secondStepMethods(deps: Deps, principal: Principal, alreadyPassed: readonly string[] = []): Promise<SecondStepMethod[]> {
  const offered: SecondStepMethod[] = [];
  for (const method of SIGNIN_METHODS) {
    if (!method.secondStep || !method.serves.includes(principal.kind) || alreadyPassed.includes(method.name)) continue;
    if (await method.isAvailable(deps, principal)) offered.push(method.name as SecondStepMethod);
  }
  return offered;
}

/** The method of that name that is answered with that kind of proof, if there is one. */
export function methodNeeding<K extends keyof Proofs>(needs: K, name: string): SigninMethod<K> | undefined {
  return SIGNIN_METHODS.find((method): method is SigninMethod<K> => method.name === name && method.needs === needs);
}
