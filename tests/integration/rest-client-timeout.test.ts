import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatServiceClient } from '@confab/auth';
import { PAGE_ERROR_DIGEST } from '@confab/protocol';

/**
 * The web server's calls to the chat service against a real HTTP server that stops answering (a
 * hung process, a stuck database): each call ends with an error in words after its deadline
 * instead of holding a page or a sign-in open for good.
 */

let server: Server;
let baseUrl: string;
const stalled: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    stalled.push(response);
    // Headers and half a body, then nothing more.
    if (request.url?.startsWith('/v1/posts')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"posts":[');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of stalled) response.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const TIMEOUT_MS = 300;

describe('a chat service that stops answering', () => {
  it('fails a call whose answer never starts after the deadline, with a 504 in words', async () => {
    const client = new ChatServiceClient(baseUrl, fetch, null, TIMEOUT_MS);
    const started = Date.now();
    await expect(client.me('some-session')).rejects.toMatchObject({
      status: 504,
      code: 'INTERNAL_ERROR',
      message: "Confab's chat service is taking too long to answer. Try again in a moment.",
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('fails a call whose answer stalls half-way the same way', async () => {
    const client = new ChatServiceClient(baseUrl, fetch, null, TIMEOUT_MS);
    await expect(client.listPosts()).rejects.toMatchObject({ status: 504, code: 'INTERNAL_ERROR' });
  });

  it('calls made one after another until one deadline share it: the next one ends at once, not a timeout later', async () => {
    // Each call alone may take 10 times the budget; the page's deadline is what ends them.
    const client = new ChatServiceClient(baseUrl, fetch, null, 10 * TIMEOUT_MS).until(Date.now() + TIMEOUT_MS);
    const started = Date.now();
    await expect(client.me('some-session')).rejects.toMatchObject({ status: 504, digest: PAGE_ERROR_DIGEST.tooSlow });
    await expect(client.getThread('some-session', 'a-thread')).rejects.toMatchObject({ status: 504, digest: PAGE_ERROR_DIGEST.tooSlow });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
  });

  it('says the chat service cannot be reached when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new ChatServiceClient(`http://127.0.0.1:${port}`, fetch, null, TIMEOUT_MS);
    await expect(client.listPosts()).rejects.toMatchObject({
      status: 503,
      message: "Can't reach Confab's chat service right now. Try again in a moment.",
      digest: PAGE_ERROR_DIGEST.unreachable,
    });
  });
});
