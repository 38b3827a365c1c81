import { randomUUID } from 'node:crypto';
import { readHarnessEnv } from './support/harness-env';

/**
 * Through the real web server (Next.js in front of the chat service, as people reach it): failed
 * sign-ins count per person's address, which the web server names to the chat service. Before,
 * the chat service saw the web server as the one client behind every sign-in, so anyone's five
 * wrong guesses locked an account's owner out for 15 minutes. Addresses are set the way a reverse
 * proxy sets them (X-Forwarded-For). No Chromium needed: these are the browser's own API calls.
 */

const env = readHarnessEnv();

function post(path: string, address: string, body: unknown): Promise<Response> {
  return fetch(new URL(path, env.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
}

it("five wrong guesses from one address do not lock the account's owner out at another", async () => {
  const account = { email: `owner-${randomUUID()}@example.test`, password: 'correct horse battery' };
  expect((await post('/api/auth/signup', '198.51.100.5', { ...account, display_name: 'Owner' })).status).toBe(200);

  for (let i = 0; i < 5; i++) {
    expect((await post('/api/auth/signin', '203.0.113.9', { email: account.email, password: `guess-${i}-xx` })).status).toBe(401);
  }
  const guesser = await post('/api/auth/signin', '203.0.113.9', account);
  expect(guesser.status).toBe(429);
  expect(JSON.stringify(await guesser.json())).toMatch(/Too many failed sign-ins/);

  expect((await post('/api/auth/signin', '198.51.100.5', account)).status).toBe(200);
});
