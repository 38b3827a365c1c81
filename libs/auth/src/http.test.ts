import { z } from 'zod';
import { ChatServiceError } from './errors';
import { readJsonBody, toErrorResponse, RequestError } from './http';

const Body = z.object({ title: z.string().min(1).optional() });

const post = (body: string, type = 'application/json') =>
  new Request('http://app.test/api/x', { method: 'POST', body, headers: { 'content-type': type } });

describe('readJsonBody', () => {
  it('parses and validates JSON', async () => {
    await expect(readJsonBody(post('{"title":"Hi"}'), Body)).resolves.toEqual({ title: 'Hi' });
  });

  it('treats an empty body as {}', async () => {
    await expect(readJsonBody(post(''), Body)).resolves.toEqual({});
  });

  it('refuses other content types (a cross-site form cannot send JSON without a preflight)', async () => {
    await expect(readJsonBody(post('{"title":"Hi"}', 'text/plain'), Body)).rejects.toMatchObject({ status: 415 });
  });

  it('refuses broken JSON and wrong shapes with VALIDATION_ERROR', async () => {
    await expect(readJsonBody(post('{'), Body)).rejects.toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    await expect(readJsonBody(post('{"title":""}'), Body)).rejects.toBeInstanceOf(RequestError);
  });
});

describe('toErrorResponse', () => {
  it('forwards chat-service errors as typed JSON with Retry-After', async () => {
    const response = toErrorResponse(new ChatServiceError(429, 'RATE_LIMIT', 'Slow down.', 12));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('12');
    await expect(response.json()).resolves.toEqual({ error: { code: 'RATE_LIMIT', message: 'Slow down.', retry_after_s: 12 } });
  });

  it('hides unexpected failures behind a generic 500', async () => {
    const response = toErrorResponse(new Error('database password is hunter2'));
    expect(response.status).toBe(500);
    const body = JSON.stringify(await response.json());
    expect(body).not.toContain('hunter2');
    expect(body).toContain('INTERNAL_ERROR');
  });
});
