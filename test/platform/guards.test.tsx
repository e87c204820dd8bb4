import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/errors.js';
import { ApiRegistry } from '../../src/platform/http/api.js';
import { installErrorHandler } from '../../src/platform/http/error-handler.js';
import { securityOf, type Guard } from '../../src/platform/http/guard.js';
import { PageRoutes } from '../../src/platform/web/page-routes.js';
import { customerChrome } from '../../src/accounts/customer-chrome.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * Guards are objects a feature hands the platform: the platform knows none by name. One guard serves the JSON API
 * (its refusal is the answer, its security goes into the OpenAPI document) and the pages (a refusal redirects).
 */
const badge: Guard<{ badge: string; displayName: string }> = {
  name: 'badge',
  security: { requirements: [{ badge: [] }], schemes: { badge: { type: 'apiKey', in: 'header', name: 'x-badge' } } },
  async resolve(request) {
    const presented = request.headers['x-badge'];
    if (presented !== 'ok') throw new AppError(403, 'badge.refused', 'Show your badge.');
    return { badge: presented, displayName: 'Grace Hopper' };
  },
  redirect: () => '/badge-office',
};

const nobody: Guard = { name: 'nobody', security: { requirements: [{}], schemes: {} }, resolve: async () => ({}) };

describe('guards', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });

  afterEach(async () => {
    await t.close();
  });

  async function appWith(register: (api: ApiRegistry, pages: PageRoutes) => void) {
    const fastify = Fastify();
    await fastify.register(cookie);
    installErrorHandler(fastify, customerChrome);
    const api = new ApiRegistry(fastify, t.app.deps);
    register(api, new PageRoutes(fastify, t.app.deps, nobody, customerChrome));
    fastify.get('/openapi.json', async () => api.openApiDocument());
    return fastify;
  }

  it('the API answers a refusal with the guard’s error and hands the route what the guard resolved', async () => {
    const fastify = await appWith((api) =>
      api.add({ method: 'GET', path: '/api/badge', tag: 'Test', summary: 'Badge', guards: [badge], responses: { 200: 'Ok' }, handler: async ({ badge }) => ({ badge }) }),
    );
    const refused = await fastify.inject({ method: 'GET', url: '/api/badge' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('badge.refused');
    const allowed = await fastify.inject({ method: 'GET', url: '/api/badge', headers: { 'x-badge': 'ok' } });
    expect(allowed.json()).toEqual({ badge: 'ok' });
  });

  it('a page the guard refuses redirects where the guard says; one it lets in greets by the resolved name', async () => {
    const fastify = await appWith((_api, pages) => pages.get('/badge', badge, async (page) => page.render({ title: 'Badge' }, <p>{page.badge}</p>)));
    const refused = await fastify.inject({ method: 'GET', url: '/badge' });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe('/badge-office');
    const allowed = await fastify.inject({ method: 'GET', url: '/badge', headers: { 'x-badge': 'ok' } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('Grace');
    expect(allowed.body).toContain('<p>ok</p>');
  });

  it('OpenAPI security is each route’s guards’ requirements, and the schemes they name', async () => {
    const fastify = await appWith((api) => {
      api.add({ method: 'GET', path: '/api/open', tag: 'Test', summary: 'Open', guards: [], responses: { 200: 'Ok' }, handler: async () => ({}) });
      api.add({ method: 'GET', path: '/api/badge', tag: 'Test', summary: 'Badge', guards: [badge], responses: { 200: 'Ok' }, handler: async () => ({}) });
    });
    const doc = (await fastify.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/api/open'].get.security).toEqual([]);
    expect(doc.paths['/api/badge'].get.security).toEqual([{ badge: [] }]);
    expect(doc.components.securitySchemes).toEqual({ badge: { type: 'apiKey', in: 'header', name: 'x-badge' } });
  });

  it('several guards on one route are all required: their alternatives combine', () => {
    const either: Guard = { ...nobody, security: { requirements: [{ a: [] }, { b: [] }], schemes: {} } };
    expect(securityOf([either, badge])).toEqual([{ a: [], badge: [] }, { b: [], badge: [] }]);
    expect(securityOf([])).toEqual([]);
  });
});
