import type { FastifyInstance } from 'fastify';
import { AuthorizationResponseError } from 'openid-client';
import { FORM_EXPIRED, formAllowed, sendPage, sendProblem, setSessionCookie, visit, type ShopContext } from './shop-context.js';
import { HomePage } from './shop-pages.js';

/** The home page, "Sign in with <store>", the way back from Custos, and signing out. */
export function registerSignInRoutes(app: FastifyInstance, shop: ShopContext): void {
  app.get('/', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    const notice = (request.query as Record<string, unknown>).signed_in === '1' ? `You're signed in with ${shop.storeName}.` : undefined;
    return sendPage(reply, { title: 'Shop', csrf: session.csrf, customerName: session.customer?.name, current: 'home', notice }, <HomePage session={session} storeName={shop.storeName} />);
  });

  app.post('/signin', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    if (!formAllowed(session, request.body)) return sendProblem(reply, session, 403, 'Please try again', FORM_EXPIRED);
    let started;
    try {
      started = await shop.signIn.start();
    } catch (error) {
      shop.log(`Sign-in could not start: ${(error as Error).message}`);
      return sendProblem(reply, session, 502, `${shop.storeName} isn't answering`, `We couldn't reach ${shop.storeName} to sign you in. Please try again in a moment.`);
    }
    // One sign-in at a time per browser: starting again replaces the state, nonce and verifier of the last one.
    session.pendingSignIn = started.pending;
    return reply.redirect(started.url.href, 303);
  });

  app.get('/callback', async (request, reply) => {
    const { id, session } = visit(shop, request, reply);
    const pending = session.pendingSignIn;
    // Single use: whatever happens next, this answer cannot be replayed into this session.
    session.pendingSignIn = undefined;
    if (!pending) {
      return sendProblem(reply, session, 400, 'That sign-in has ended', `This browser has no sign-in with ${shop.storeName} under way. Start again from the shop.`);
    }
    try {
      session.customer = await shop.signIn.finish(new URL(request.url, shop.publicUrl), pending);
    } catch (error) {
      if (error instanceof AuthorizationResponseError && error.error === 'access_denied') {
        return sendProblem(reply, session, 400, 'Not signed in', `You chose not to share your details with us at ${shop.storeName}. You can still look around.`);
      }
      shop.log(`Sign-in failed: ${(error as Error).message}`);
      return sendProblem(reply, session, 400, 'Sign-in failed', `We couldn't complete the sign-in with ${shop.storeName}. Please start again from the shop.`);
    }
    setSessionCookie(shop, reply, shop.sessions.rotate(id));
    return reply.redirect('/?signed_in=1', 303);
  });

  app.post('/signout', async (request, reply) => {
    const { session } = visit(shop, request, reply);
    if (!formAllowed(session, request.body)) return sendProblem(reply, session, 403, 'Please try again', FORM_EXPIRED);
    session.customer = undefined;
    return reply.redirect('/', 303);
  });
}
