import { z } from 'zod';
import { ChatServiceError } from './errors';
import { MAX_JSON_BODY_BYTES, readBodyText, readJsonBody, toErrorResponse, RequestError } from './http';

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

describe('body size', () => {
  it('refuses a body over 64 KiB with 413, whether or not it says its length up front', async () => {
    const big = `{"title":"${'x'.repeat(MAX_JSON_BODY_BYTES)}"}`;
    await expect(readJsonBody(post(big), Body)).rejects.toMatchObject({ status: 413, code: 'VALIDATION_ERROR' });
    // Streamed without a length: counted while it is read.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new Uint8Array(1024).fill(120));
        controller.close();
      },
    });
    // `duplex` (needed for a stream body) is missing from TypeScript's RequestInit.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: chunks, duplex: 'half', headers: { 'content-type': 'application/json' } };
    const streamed = new Request('http://app.test/api/x', init);
    await expect(readBodyText(streamed, MAX_JSON_BODY_BYTES)).rejects.toMatchObject({ status: 413 });
  });

  it('reads a body under the limit whole, multi-byte characters included', async () => {
    await expect(readBodyText(post('{"title":"héllo ✓"}'), MAX_JSON_BODY_BYTES)).resolves.toBe('{"title":"héllo ✓"}');
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
