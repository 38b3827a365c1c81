import { createServer, type Server } from 'node:http';
import { signOut } from '../../libs/auth/src/route-handlers';
import { logger } from '../../libs/auth/src/logger';

/**
 * Sign out (`POST /api/auth/signout`) always signs this device out: the web server clears the
 * session cookie whatever the chat service answers. It still asks the chat service to end the
 * session (that closes the session's sockets in other tabs); when that fails, it logs it and the
 * session ends server-side at its normal expiry.
 */

const deleted: string[] = [];

/** A signed-in person's cookie, as next/headers gives it to a route handler. */
jest.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (name === 'confab_session' ? { name, value: 'a-session-token' } : undefined),
    set: () => undefined,
    delete: (name: string) => {
      deleted.push(name);
    },
  }),
  headers: async () => new Headers({ host: 'localhost:3000' }),
}));

/** A stand-in chat service: records sign-out calls and answers with `answer`'s status. */
let answer = 204;
const calls: Array<{ url: string; authorization: string | undefined }> = [];
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    calls.push({ url: request.url ?? '', authorization: request.headers.authorization });
    request.resume();
    request.on('end', () => {
      if (answer === 204) {
        response.writeHead(204).end();
        return;
      }
      response.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'boom' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  process.env.CHAT_SERVICE_URL = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  deleted.length = 0;
  calls.length = 0;
});

afterEach(() => {
  jest.restoreAllMocks();
});

it('asks the chat service to end the session (it closes the sockets) and clears the cookie', async () => {
  answer = 204;
  const response = await signOut();
  expect(response.status).toBe(204);
  expect(calls).toEqual([{ url: '/v1/auth/signout', authorization: 'Bearer a-session-token' }]);
  expect(deleted).toEqual(['confab_session']);
});

it('clears the cookie when the chat service answers with an error, and logs it', async () => {
  answer = 500;
  const warn = jest.spyOn(logger, 'warn');
  const response = await signOut();
  expect(response.status).toBe(204);
  expect(calls).toHaveLength(1);
  expect(deleted).toEqual(['confab_session']);
  expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.anything() }), expect.stringContaining('sign out'));
});

it('clears the cookie when the chat service cannot be reached (503), and logs it', async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const warn = jest.spyOn(logger, 'warn');
  const response = await signOut();
  expect(response.status).toBe(204);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(deleted).toEqual(['confab_session']);
  expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.objectContaining({ status: 503 }) }), expect.stringContaining('sign out'));
});
