import { randomUUID } from 'node:crypto';
import { ApiError } from '@confab/protocol';
import { createVisitor, expectApiError, listPosts, request, signUp } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';

let service: RunningChatService;

withChatService((started) => {
  service = started;
});

describe('every error is an ApiError with a typed code', () => {
  it.each([
    ['a malformed email', { email: 'not-an-email', password: 'long enough', display_name: 'A' }],
    ['a short password', { email: 'a@example.test', password: 'short', display_name: 'A' }],
    ['an empty display name', { email: 'a@example.test', password: 'long enough', display_name: '   ' }],
    ['a missing field', { email: 'a@example.test', password: 'long enough' }],
    ['no body at all', undefined],
  ])('sign up with %s → 400 VALIDATION_ERROR', async (_case, body) => {
    expectApiError(await request(service, 'POST', '/v1/auth/signup', { body }), 400, 'VALIDATION_ERROR');
  });

  it.each([
    ['a NUL', 'Ada\u0000Lovelace'],
    ['a newline', 'Ada\nAdmin'],
    ['a right-to-left override', 'Ada\u202Enimda'],
    ['a lone surrogate', 'Ada\uD800'],
  ])('sign up with %s in the display name → 400 VALIDATION_ERROR in words, and nothing of it in the logs', async (_case, displayName) => {
    const email = `${randomUUID()}@example.test`;
    const error = expectApiError(await request(service, 'POST', '/v1/auth/signup', { body: { email, password: 'long enough', display_name: displayName } }), 400, 'VALIDATION_ERROR');
    expect(error.message).toMatch(/display name cannot contain control characters/i);
    // The same email still signs up: the refusal cost nothing.
    await signUp(service, { email });
    const logged = JSON.stringify(service.logs);
    expect(logged).not.toContain('scrypt$');
    expect(service.logs.filter((line) => line.level === 50)).toEqual([]);
  });

  it('refuses a thread title with a control character, and answers a post address that cannot be a slug with NOT_FOUND', async () => {
    const visitor = await createVisitor(service);
    const [post] = await listPosts(service);
    const created = await request(service, 'POST', `/v1/posts/${post!.slug}/threads`, { token: visitor.sessionToken, body: { title: 'hi\u0000there' } });
    expect(expectApiError(created, 400, 'VALIDATION_ERROR').message).toMatch(/title cannot contain control characters/i);
    for (const path of ['/v1/posts/%00', '/v1/posts/Writing-Coach', '/v1/posts/a%20b']) expectApiError(await request(service, 'GET', path), 404, 'NOT_FOUND');
    expectApiError(await request(service, 'POST', '/v1/posts/%00/threads', { token: visitor.sessionToken, body: {} }), 404, 'NOT_FOUND');
  });

  it('names the field that failed', async () => {
    const error = expectApiError(
      await request(service, 'POST', '/v1/auth/signup', { body: { email: 'a@example.test', password: 'short', display_name: 'A' } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(error.message).toMatch(/password/i);
  });

  it('answers invalid JSON with VALIDATION_ERROR, not a server error', async () => {
    expectApiError(await request(service, 'POST', '/v1/auth/signin', { body: '{"email": ' }), 400, 'VALIDATION_ERROR');
  });

  it('answers an address that cannot be decoded, or a too-long id, in protocol words (no framework internals)', async () => {
    for (const path of ['/v1/posts/%E0%A4%A', '/v1/conversations/%ZZ/messages', `/v1/posts/${'a'.repeat(120)}`]) {
      const response = await request(service, 'GET', path);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(ApiError.safeParse(response.body).success).toBe(true);
      expect(JSON.stringify(response.body)).not.toContain('FST_');
    }
  });

  it('refuses bodies over the size limit', async () => {
    const body = { email: 'a@example.test', password: 'x'.repeat(100_000), display_name: 'Big' };
    expectApiError(await request(service, 'POST', '/v1/auth/signup', { body }), 413, 'VALIDATION_ERROR');
  });

  it('validates thread titles', async () => {
    const visitor = await createVisitor(service);
    const [post] = await listPosts(service);
    const response = await request(service, 'POST', `/v1/posts/${post!.slug}/threads`, {
      token: visitor.sessionToken,
      body: { title: 'x'.repeat(121) },
    });
    expectApiError(response, 400, 'VALIDATION_ERROR');
  });

  it('validates ids in paths', async () => {
    const user = await signUp(service);
    expectApiError(await request(service, 'GET', '/v1/threads/123', { token: user.sessionToken }), 400, 'VALIDATION_ERROR');
    expectApiError(await request(service, 'GET', `/v1/threads/${randomUUID()}`, { token: user.sessionToken }), 404, 'NOT_FOUND');
  });

  it('answers unknown endpoints with NOT_FOUND', async () => {
    const response = await request(service, 'GET', '/v1/nothing-here');
    expectApiError(response, 404, 'NOT_FOUND');
    expect(ApiError.safeParse(response.body).success).toBe(true);
  });

  it('reports health', async () => {
    const response = await request(service, 'GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });
});
