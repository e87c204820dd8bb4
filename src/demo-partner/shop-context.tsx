import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { CustosApi } from './custos-api.js';
import { renderShopPage, type LayoutOptions } from './shop-layout.js';
import { ProblemPage } from './shop-pages.js';
import { csrfMatches, SESSION_COOKIE, type ShopSessions, type ShopSession } from './shop-sessions.js';
import type { SignInWithCustos } from './sign-in.js';
import type { WebhookLog } from './webhook-log.js';

/** Everything the shop's routes share, built once by buildShop. */
export interface ShopContext {
  publicUrl: string;
  custosUrl: string;
  storeName: string;
  sessions: ShopSessions;
  signIn: SignInWithCustos;
  api: CustosApi;
  webhooks: WebhookLog;
  webhookUrl: string | undefined;
  now: () => number;
  log: (line: string) => void;
}

/** The visitor's session (a new one when they have none), with its cookie set when it is new. */
export function visit(shop: ShopContext, request: FastifyRequest, reply: FastifyReply): { id: string; session: ShopSession } {
  const cookie = request.cookies[SESSION_COOKIE];
  const opened = shop.sessions.open(cookie);
  if (opened.id !== cookie) setSessionCookie(shop, reply, opened.id);
  return opened;
}

/**
 * HttpOnly, so a script can't read it; SameSite=Lax, so it rides along when Custos sends the browser back here
 * (a top-level GET) but not on another site's form posts; Secure whenever the shop is served over https.
 */
export function setSessionCookie(shop: ShopContext, reply: FastifyReply, id: string): void {
  reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: shop.publicUrl.startsWith('https:') });
}

/** Refuses a form without this session's CSRF token: another site cannot make a visitor sign out, pay or refund. */
export function formAllowed(session: ShopSession, body: unknown): boolean {
  return csrfMatches(session, field(body, '_csrf'));
}

/** One text field of a urlencoded form; a repeated or missing field is undefined. */
export function field(body: unknown, name: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function sendPage(reply: FastifyReply, options: LayoutOptions, content: ComponentChildren, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderShopPage(options, content));
}

export function sendProblem(reply: FastifyReply, session: ShopSession, status: number, title: string, message: string): FastifyReply {
  return sendPage(reply, { title, csrf: session.csrf, customerName: session.customer?.name }, <ProblemPage title={title} message={message} />, status);
}

export const FORM_EXPIRED = 'This form has expired. Please go back, reload the page and try again.';
