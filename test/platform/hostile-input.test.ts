import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { countRows, expectClientError, freshIp, raw, signinAtPassword, signUpFrom } from '../helpers/fixtures.js';

/**
 * Hostile input against the JSON API. The bar: a clear 4xx with a stable error code in the one error shape, never a
 * 500, and nothing half written. What is accepted is stored and returned verbatim, never interpreted.
 */
describe('hostile input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function expectNothingWritten(): Promise<void> {
    for (const table of ['accounts', 'identifiers', 'flows', 'verifications', 'outbox', 'sessions'] as const) {
      expect(await countRows(t, table), table).toBe(0);
    }
  }

  const signup = (body: unknown) => api(t, 'POST', '/api/v1/signup', { body, ip: freshIp() });
  const valid = { name: 'Ada Lovelace', email: 'ada@example.com', password: STRONG_PASSWORD };

  it('malformed JSON → 400 request.malformed_json', async () => {
    for (const payload of ['{"name": ', '{name: "x"}', "{'a': 1}", '{"a":1}}', '\u0000']) {
      expectClientError(await raw(t, 'POST', '/api/v1/signup', payload), 400, 'request.malformed_json');
    }
    expectClientError(await raw(t, 'POST', '/api/v1/signup', ''), 400, 'request.malformed_json');
    await expectNothingWritten();
  });

  it('prototype-pollution keys are refused, not merged', async () => {
    for (const payload of ['{"__proto__": {"status": "locked"}, "name": "x"}', '{"constructor": {"prototype": {"status": "locked"}}}']) {
      const res = await raw(t, 'POST', '/api/v1/signup', payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^request\./);
    }
    expect(({} as Record<string, unknown>).status).toBeUndefined();
    await expectNothingWritten();
  });

  it('a 1 MB body → 413 request.too_large', async () => {
    const res = await raw(t, 'POST', '/api/v1/signup', JSON.stringify({ ...valid, name: 'x'.repeat(1024 * 1024) }));
    expectClientError(res, 413, 'request.too_large');
    await expectNothingWritten();
  });

  it('wrong types (number name, array email, null password) → 400 naming each field', async () => {
    const res = await signup({ name: 42, email: ['ada@example.com'], password: null });
    expectClientError(res, 400, 'request.invalid');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['email', 'name', 'password']);
    for (const body of [{ ...valid, name: { first: 'Ada' } }, { ...valid, email: true }, { ...valid, phone: 4155550132 }]) {
      expectClientError(await signup(body), 400, 'request.invalid');
    }
    await expectNothingWritten();
  });

  it('wrong types are reported as the wrong type, not as a missing field', async () => {
    const res = await signup({ name: 42, email: ['ada@example.com'], password: null });
    expect(res.body.error.fields).toEqual({
      name: 'This field must be a string.',
      email: 'This field must be a string.',
      password: 'This field must be a string.',
    });
  });

  it('a body that is not an object (array, string, number, null) → 400', async () => {
    for (const payload of ['[]', '"ada@example.com"', '42', 'null', 'true']) {
      const res = await raw(t, 'POST', '/api/v1/signup', payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^request\./);
    }
    await expectNothingWritten();
  });

  it('missing fields → 400 "required" on each', async () => {
    const res = await signup({});
    expectClientError(res, 400, 'request.invalid');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['email', 'name', 'password']);
    expect(res.body.error.fields.email).toBe('This field is required.');
    await expectNothingWritten();
  });

  it('unknown fields → 400 "not recognised", even next to valid ones', async () => {
    const res = await signup({ ...valid, is_admin: true, verified: true });
    expectClientError(res, 400, 'request.invalid');
    expect(res.body.error.fields).toEqual({ is_admin: 'This field is not recognised.', verified: 'This field is not recognised.' });
    await expectNothingWritten();
  });

  it('an unknown field name is truncated in the answer, not echoed in full', async () => {
    const res = await signup({ ...valid, ['k'.repeat(5000)]: 1 });
    expect(res.status).toBe(400);
    for (const key of Object.keys(res.body.error.fields)) expect(key.length).toBeLessThanOrEqual(64);
  });

  it('10,000-character name, email and password → 400 with a length message', async () => {
    const huge = 'a'.repeat(10_000);
    for (const field of ['name', 'email', 'password'] as const) {
      const res = await signup({ ...valid, [field]: huge });
      expectClientError(res, 400, 'request.invalid');
      expect(res.body.error.fields[field]).toMatch(/at most/);
    }
    const longName = await signup({ ...valid, name: 'N'.repeat(101) });
    expect(longName.body.error.fields.name).toMatch(/at most 80/);
    await expectNothingWritten();
  });

  it('a 10,000-character identifier or password at sign-in → 400, not a slow hash', async () => {
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: 'a'.repeat(10_000) } }), 400, 'request.invalid');
    const flowId = await signinAtPassword(t, 'ada@example.com');
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${flowId}/password`, { body: { password: 'p'.repeat(10_000) } }), 400, 'request.invalid');
  });

  it('an email in a different letter case or with spaces around it is the same account', async () => {
    await signUpFrom(t, { email: 'Ada@Example.com' });
    expect((await signIn(t, '  ADA@EXAMPLE.COM ', STRONG_PASSWORD)).status).toBe(201);
    await signup({ ...valid, email: 'ada@example.COM' });
    expect(await countRows(t, 'accounts')).toBe(1);
  });

  it('NFC and NFD forms of an email get the same answer at sign-up and at the identifier step', async () => {
    const nfc = 'zoë@example.com';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const a = await signup({ ...valid, email: nfc });
    const b = await signup({ ...valid, email: nfd });
    expect(b.status).toBe(a.status);
    expect(a.status).toBeLessThan(500);
    const answer = async (identifier: string) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
      const res = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier } });
      return { status: res.status, code: res.body.error?.code ?? null };
    };
    expect(await answer(nfd)).toEqual(await answer(nfc));
  });

  it('NFC and NFD forms of an internationalised email map to the same account', async () => {
    const nfc = 'zoë@example.com';
    await signUpFrom(t, { email: nfc });
    expect((await signIn(t, nfc.normalize('NFD'), STRONG_PASSWORD)).status).toBe(201);
    expect(await countRows(t, 'accounts')).toBe(1);
  });

  it('right-to-left text and emoji names are accepted and returned intact', async () => {
    for (const [i, name] of ['مريم الخوارزمي', 'דוד בן־גוריון', 'Zoë 👩‍👩‍👧 Ō’Brien', '山田 太郎 🎌'].entries()) {
      const { token } = await signUpFrom(t, { email: `intl${i}@example.com`, name });
      const me = await api(t, 'GET', '/api/v1/account', { token });
      expect(me.body.account.name).toBe(name);
    }
  });

  it('Trojan Source (CVE-2021-42574): bidi overrides and control characters in a name are refused', async () => {
    for (const name of ['Ada\u202Eecalevol', 'Ada\u2066x\u2069', 'Ada\u0000Lovelace', 'Ada\u0007', 'Ada\nLovelace', 'Ada\u0085', 'Ada\u2028L']) {
      const res = await signup({ ...valid, name });
      expectClientError(res, 400, 'request.invalid');
      expect(res.body.error.fields.name).toMatch(/characters we cannot accept/);
    }
    await expectNothingWritten();
    const { token } = await signUpFrom(t, { email: 'ada@example.com', name: 'Ada' });
    const patch = await api(t, 'PATCH', '/api/v1/account', { token, body: { name: 'Ada\u202Eevil' } });
    expectClientError(patch, 400, 'request.invalid');
    expect((await api(t, 'GET', '/api/v1/account', { token })).body.account.name).toBe('Ada');
  });

  it('HTML- and SQL-looking names are stored and returned verbatim, never interpreted', async () => {
    const names = ['<script>alert(1)</script>', "Robert'); DROP TABLE accounts;--", "' OR 1=1 --", '{{7*7}} ${7*7} <%= 7*7 %>', '<img src=x onerror=alert(1)>'];
    for (const [i, name] of names.entries()) {
      const { token } = await signUpFrom(t, { email: `odd${i}@example.com`, name });
      const me = await api(t, 'GET', '/api/v1/account', { token });
      expect(me.body.account.name).toBe(name);
      expect(me.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(await countRows(t, 'accounts')).toBe(names.length);
  });

  it('SQL-looking identifiers, passwords and codes are just wrong, never an error or a match', async () => {
    await signUpFrom(t, { email: 'ada@example.com' });
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    const id = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: "' OR 1=1 --" } });
    expectClientError(id, 400, 'request.invalid');
    const flowId = await signinAtPassword(t, 'ada@example.com');
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${flowId}/password`, { body: { password: "' OR '1'='1' --" } }), 401, 'signin.failed');
    const started = await signup({ ...valid, email: 'new@example.com' });
    for (const code of ["' OR 1=1", '١٢٣٤٥٦', '      ', '-1', '1e6']) {
      const res = await api(t, 'POST', `/api/v1/signup/${started.body.flow.id}/confirm`, { body: { code } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('a form-encoded or text body to the JSON API → 415 request.json_required', async () => {
    const form = await raw(t, 'POST', '/api/v1/signup', 'name=Ada&email=ada%40example.com&password=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expectClientError(form, 415, 'request.json_required');
    const text = await raw(t, 'POST', '/api/v1/signup', JSON.stringify(valid), { 'content-type': 'text/plain' });
    expectClientError(text, 415, 'request.json_required');
    const xml = await raw(t, 'POST', '/api/v1/signup', '<signup/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    await expectNothingWritten();
  });

  it('invalid email and phone formats → 400 with a message on the field', async () => {
    for (const email of ['not-an-email', 'a@b', '@example.com', 'ada@', 'ada@@example.com', 'ada @example.com', 'ada@example..com']) {
      const res = await signup({ ...valid, email });
      expectClientError(res, 400, 'request.invalid');
      expect(res.body.error.fields.email).toMatch(/email address like/);
    }
    for (const phone of ['call me', '12', '+1 555 555 0100', '+99 123', '+1 415 555 0132 ext 9', '+'.repeat(50)]) {
      const res = await signup({ ...valid, phone });
      expectClientError(res, 400, 'request.invalid');
      expect(res.body.error.fields.phone).toBeDefined();
    }
    await expectNothingWritten();
  });

  it('the identifier step refuses what is neither an email nor a phone number, naming the field', async () => {
    for (const identifier of ['not-an-email@', 'hello', '', '   ']) {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
      const res = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier } });
      expectClientError(res, 400, 'request.invalid');
      expect(res.body.error.fields.identifier).toBeDefined();
    }
  });

  it('a rejected sign-up writes nothing: not even a partial flow when only the phone is wrong', async () => {
    const res = await signup({ ...valid, phone: '+1 555 555 0100' });
    expectClientError(res, 400, 'request.invalid');
    expect(Object.keys(res.body.error.fields)).toEqual(['phone']);
    const weak = await signup({ ...valid, password: 'password' });
    expectClientError(weak, 400, 'request.invalid');
    expect(Object.keys(weak.body.error.fields)).toEqual(['password']);
    await expectNothingWritten();
    expect(await countRows(t, 'throttles')).toBe(0);
  });
});
