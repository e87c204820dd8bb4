import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Deps, RequestInfo } from '../context.js';
import { AppError, errors } from '../errors.js';
import { csrfToken, verifyCsrf } from '../http/csrf.js';
import type { FieldErrors } from './forms.js';
import { renderPage, type Chrome, type PageOptions } from './layout.js';
import { requestInfo, setDeviceCookie, setRememberCookie } from '../http/request-info.js';
import { setSessionCookie } from '../http/session-cookie.js';
import type { Greeting, Guard } from '../http/guard.js';
import { optionalQueryValue } from '../http/query.js';
import { safeReturnTo } from './return-to.js';

/**
 * Page routes are declared through PageRoutes so each states, where it is declared, who may use it: anyone, or
 * whoever a guard lets in (a signed-in customer, one who confirmed their password in the last few minutes —
 * ASVS 7.5.1); the guards are the JSON API's own (platform/http/guard.ts). Every POST checks its CSRF token
 * before anything else runs, sign-in and sign-up included (login CSRF, ASVS 7.6.2).
 */
export type Access = 'anyone' | Guard;

/** What a page handler has to hand: the request, helpers to answer, and — on a guarded page — what its guard gave. */
export class Page {
  private token: string | undefined;
  private who: RequestInfo | undefined;

  constructor(
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
    readonly deps: Deps,
    /** What the route's guard found: who is looking, for the chrome's header. */
    readonly given: Greeting,
    private readonly chrome: Chrome,
  ) {}

  /** Read once per request: a browser without a device cookie gets one new token, used for the whole request. */
  get info(): RequestInfo {
    this.who ??= requestInfo(this.request);
    return this.who;
  }

  /** The token every form on the page carries; made (with its cookie) on first use. */
  get csrf(): string {
    this.token ??= csrfToken(this.request, this.reply, this.deps.config);
    return this.token;
  }

  /** A posted text field. Over-long input is refused, never truncated: a cut password would be a different one. */
  field(name: string, max = 1000): string {
    const value = (this.request.body as Record<string, unknown> | undefined)?.[name];
    if (typeof value !== 'string') return '';
    if (value.length > max) throw errors.invalidInput({ [name]: `This can be at most ${max} characters.` });
    return value;
  }

  /** What the customer typed, to show back in the form after an error; empty if too long to be real. */
  echo(name: string, max = 1000): string {
    const value = (this.request.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' && value.length <= max ? value : '';
  }

  checked(name: string): boolean {
    return this.field(name, 10) !== '';
  }

  /**
   * The `return_to` this request carries (in the query of a GET, the form of a POST) when it is a safe
   * destination (return-to.ts); otherwise none, and the journey ends where it always does.
   */
  get returnTo(): string | undefined {
    const source = this.request.method === 'POST' ? this.request.body : this.request.query;
    const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>).return_to : undefined;
    return safeReturnTo(value, this.deps.config);
  }

  query(name: string, maxLength = 200): string | undefined {
    return optionalQueryValue(this.request.query, name, maxLength);
  }

  /** The page in its area's chrome, the header drawn for whoever the guard found. */
  render(options: PageOptions, content: ComponentChildren, status = 200): FastifyReply {
    return this.reply.code(status).type('text/html; charset=utf-8').send(renderPage(options, content, this.chrome, this));
  }

  /** The same request, shown as signed out in the header: its session has just ended. */
  signedOut(): Page {
    return new Page(this.request, this.reply, this.deps, {}, this.chrome);
  }

  /**
   * A completed sign-in: the session cookie, the device cookie so this browser is recognised next time, and —
   * when the customer asked at the second step — the cookie that lets this browser skip that step for 30 days.
   */
  signIn(session: { token: string; expiresAt: number; remember?: { token: string; expiresAt: number } }): void {
    setSessionCookie(this.reply, this.deps.config, session.token, session.expiresAt);
    setDeviceCookie(this.reply, this.deps.config, this.info);
    setRememberCookie(this.reply, this.deps.config, session.remember);
  }

  /** 303 so the browser follows with a GET and a reload never re-posts the form. */
  redirect(location: string): FastifyReply {
    return this.reply.redirect(location, 303);
  }

  /**
   * A domain error turned into what the form shows: field errors beside their fields, or one message in the
   * summary. Anything that is not an AppError is a bug and goes on to the global handler.
   */
  problem(error: unknown): FormProblem {
    if (!(error instanceof AppError)) throw error;
    for (const [name, value] of Object.entries(error.headers ?? {})) this.reply.header(name, value);
    return error.fields ? { status: error.status, code: error.code, fields: error.fields } : { status: error.status, code: error.code, fields: {}, message: error.message };
  }
}

/** The page a guarded route's handler receives: the page, with the fields its guard resolved to. */
export type GuardedPage<Gives> = Page & Readonly<Gives>;

export interface FormProblem {
  status: number;
  code: string;
  fields: FieldErrors;
  message?: string;
}

export const NO_PROBLEM: FormProblem = { status: 200, code: '', fields: {} };

type Handler<P> = (page: P) => Promise<FastifyReply>;

export class PageRoutes {
  /**
   * One per area (the customer's pages, the support console), each with its chrome. `visitor` finds who is
   * asking on pages open to anyone, only to greet them in the header.
   */
  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: Deps,
    private readonly visitor: Guard<Greeting>,
    private readonly chrome: Chrome,
  ) {}

  get(path: string, access: 'anyone', handler: Handler<Page>): void;
  get<Gives extends object>(path: string, access: Guard<Gives>, handler: Handler<GuardedPage<Gives>>): void;
  get(path: string, access: Access, handler: Handler<Page>): void {
    this.add('GET', path, access, handler);
  }

  post(path: string, access: 'anyone', handler: Handler<Page>): void;
  post<Gives extends object>(path: string, access: Guard<Gives>, handler: Handler<GuardedPage<Gives>>): void;
  post(path: string, access: Access, handler: Handler<Page>): void {
    this.add('POST', path, access, handler);
  }

  private add(method: 'GET' | 'POST', path: string, access: Access, handler: Handler<Page>): void {
    this.app.route({
      method,
      url: path,
      handler: async (request, reply) => {
        // First, before the session is even read: a form posted from another site stops here.
        if (method === 'POST') verifyCsrf(request, this.deps.config);
        const guard = access === 'anyone' ? this.visitor : access;
        let given: Greeting;
        try {
          given = await guard.resolve(request, this.deps);
        } catch (error) {
          // 303 like Page.redirect: the browser follows with a GET, whatever the refused request was.
          if (error instanceof AppError && guard.redirect) return reply.redirect(guard.redirect(error, request), 303);
          throw error;
        }
        const page = new Page(request, reply, this.deps, given, this.chrome);
        // A page open to anyone gets only the greeting; a guarded one gets its guard's fields too (page.session…).
        return handler(access === 'anyone' ? page : Object.assign(page, given));
      },
    });
  }
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
