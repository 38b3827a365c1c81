import { createServer } from 'node:net';
import { loadViewer } from '../../libs/auth/src/page-data';

/** A signed-in person's cookie, as next/headers would give it to a server component. */
jest.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (name === 'confab_session' ? { name, value: 'a-session-token' } : undefined),
    set: () => undefined,
    delete: () => undefined,
  }),
  headers: async () => new Headers({ host: 'localhost:3000' }),
}));

/** A port nothing listens on: the chat service is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

it('says the caller is unknown, not signed out, when the chat service cannot be reached', async () => {
  process.env.CHAT_SERVICE_URL = `http://127.0.0.1:${await closedPort()}`;
  expect(await loadViewer()).toEqual({ kind: 'unknown', displayName: null });
});
