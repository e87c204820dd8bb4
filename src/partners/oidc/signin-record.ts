import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { recordEvent } from '../../activity/audit.js';
import { touchSigninGrant } from './grants.js';

/**
 * Every partner sign-in goes in the customer's Login activity, naming the partner, and updates "last used" on
 * Apps and websites — whether it passed through our pages or straight through the provider's own session. It is
 * recorded when the authorization code is issued, before the browser is sent back.
 */
const callers = new WeakMap<IncomingMessage, { ip: string; userAgent: string }>();

/** Who is asking, as Fastify sees it (its proxy rules), for requests the provider answers. */
export function rememberCaller(raw: IncomingMessage, ip: string): void {
  const userAgent = raw.headers['user-agent'];
  callers.set(raw, { ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '' });
}

export function recordPartnerSignins(provider: Provider, deps: Deps): void {
  provider.use(async (ctx, next) => {
    await next();
    const code = ctx.oidc?.entities.AuthorizationCode;
    if (!code?.accountId || !code.clientId || (ctx.oidc.route !== 'authorization' && ctx.oidc.route !== 'resume')) return;
    const partner = await deps.db.selectFrom('partners').select('name').where('id', '=', code.clientId).executeTakeFirst();
    const info = callers.get(ctx.req) ?? { ip: ctx.ip, userAgent: '' };
    await recordEvent(deps.db, deps.clock, { accountId: code.accountId, type: 'partner.signed_in', info, detail: { partner: partner?.name ?? code.clientId } });
    await touchSigninGrant(deps, code.accountId, code.clientId);
  });
}
