import { randomUUID } from 'node:crypto';
import { otherLoopbackAddress, requestFrom } from '../support/http-from';
import { readHarnessEnv } from './support/harness-env';

/**
 * Through the real web server (Next.js in front of the chat service, as people reach it): failed
 * sign-ins count per person's address, which the web server names to the chat service. Before,
 * the chat service saw the web server as the one client behind every sign-in, so anyone's five
 * wrong guesses locked an account's owner out for 15 minutes. The owner and the guesser are two
 * machines here (two loopback addresses), and the guesser's X-Forwarded-For, naming the owner's
 * address, is not believed: the web server is reached directly. No Chromium needed: these are the
 * browser's own API calls.
 */

const env = readHarnessEnv();

function post(path: string, from: string, body: unknown, headers: Record<string, string> = {}) {
  return requestFrom(from, new URL(path, env.baseUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

it("five wrong guesses from one address do not lock the account's owner out at another, whatever address the guesser claims", async () => {
  const owner = otherLoopbackAddress();
  const guesser = otherLoopbackAddress();
  const account = { email: `owner-${randomUUID()}@example.test`, password: 'correct horse battery' };
  expect((await post('/api/auth/signup', owner, { ...account, display_name: 'Owner' })).status).toBe(200);

  const claimingOwner = { 'x-forwarded-for': owner };
  for (let i = 0; i < 5; i++) {
    expect((await post('/api/auth/signin', guesser, { email: account.email, password: `guess-${i}-xx` }, claimingOwner)).status).toBe(401);
  }
  const lockedOut = await post('/api/auth/signin', guesser, account, claimingOwner);
  expect(lockedOut.status).toBe(429);
  expect(lockedOut.body).toMatch(/Too many failed sign-ins/);

  expect((await post('/api/auth/signin', owner, account)).status).toBe(200);
});
