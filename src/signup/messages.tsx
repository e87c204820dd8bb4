import type { OutgoingMessage } from '../platform/outbox.js';
import { button, code, greeting, text } from '../notify/message-layout.js';
import { composeEmail, PASSWORD_RESET_PATH } from '../notify/messages.js';

/** To an address nobody has proven yet: no name, since whoever typed the address typed the name too. */
export function signupConfirmationEmail(m: { to: string; code: string; link: string; publicUrl: string; accountId?: string }): OutgoingMessage {
  return composeEmail('signupConfirmationEmail', m.to, 'Confirm your email address', [
    greeting(),
    text('Thanks for creating a Custos account. To finish, enter this code on the confirmation page:'),
    code(m.code),
    text('Or confirm your address with this button:'),
    button('Confirm email address', m.link),
    text("The code and the link expire in 24 hours. Don't share them with anyone."),
    text("If you didn't try to create an account, you can safely ignore this email."),
  ], m.publicUrl, m.accountId);
}

/**
 * To an address released by a closed account and still on hold (accounts/quarantine.ts). It tells only the person
 * who reads the address's mail, who may be its last owner: the sign-up page itself says the same as for any address.
 */
export function signupAddressHeldEmail(m: { to: string; publicUrl: string }): OutgoingMessage {
  return composeEmail('signupAddressHeldEmail', m.to, 'This address cannot be used yet', [
    greeting(),
    text('Someone, perhaps you, tried to create an account with this email address. It belonged to an account that was closed recently, so for the safety of its last owner it cannot be used for a new account yet, and no account was created.'),
    text('If the closed account was yours and you want it back, contact support. Otherwise you can try again later.'),
    text("If this wasn't you, you can ignore this email."),
  ], m.publicUrl);
}

export function signupExistingAccountEmail(m: { to: string; publicUrl: string; accountId?: string }): OutgoingMessage {
  return composeEmail('signupExistingAccountEmail', m.to, 'You already have an account', [
    greeting(),
    text('Someone, perhaps you, tried to create a Custos account with this email address. This address already has an account, so no new account was created.'),
    text('If it was you, you can sign in with this address:'),
    button('Sign in', `${m.publicUrl}/signin`),
    text(`Forgotten your password? Reset it here: ${m.publicUrl}${PASSWORD_RESET_PATH}`),
    text("If this wasn't you, you can ignore this email; your account is safe."),
  ], m.publicUrl, m.accountId);
}
