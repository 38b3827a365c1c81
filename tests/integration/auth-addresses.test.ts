import { CLIENT_ADDRESS_HEADER, INTERNAL_TOKEN_HEADER } from '@confab/protocol';
import { randomUUID } from 'node:crypto';
import { expectApiError, request } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';

/**
 * Per-address limits when the web server calls on people's behalf: it names their address next to
 * the internal token, so one person's failed sign-ins or new visitors count against them, not
 * against everyone who comes through the same web server. Small budgets, set here.
 */

let service: RunningChatService;

beforeAll(async () => {
  service = await startChatService({ env: { VISITORS_PER_ADDRESS_PER_10_MIN: '3', SIGN_UPS_PER_ADDRESS_PER_HOUR: '2' } });
}, 90_000);

afterAll(async () => {
  await service?.stop();
});

/** Headers the web server sends for a person at `address`. */
const onBehalfOf = (address: string, token = service.env.CHAT_SERVICE_INTERNAL_TOKEN ?? '') => ({
  [INTERNAL_TOKEN_HEADER]: token,
  [CLIENT_ADDRESS_HEADER]: address,
});

/** An account signed up through the web server by someone at `address`. */
async function newAccount(address: string): Promise<{ email: string; password: string }> {
  const account = { email: `user-${randomUUID()}@example.test`, password: 'correct horse battery' };
  const response = await request(service, 'POST', '/v1/auth/signup', { headers: onBehalfOf(address), body: { ...account, display_name: 'Owner' } });
  expect(response.status).toBe(201);
  return account;
}

const signInAs = (address: string | null, email: string, password: string, token?: string) =>
  request(service, 'POST', '/v1/auth/signin', {
    body: { email, password },
    headers: address === null ? {} : onBehalfOf(address, token),
  });

describe('sign-in failures count per person', () => {
  it("someone guessing an account's password from one address does not lock its owner out at another", async () => {
    const user = await newAccount('198.51.100.20');
    for (let i = 0; i < 5; i++) expectApiError(await signInAs('203.0.113.7', user.email, `guess-${i}-xx`), 401, 'AUTH_FAILED');
    expectApiError(await signInAs('203.0.113.7', user.email, user.password), 429, 'RATE_LIMIT');

    const owner = await signInAs('198.51.100.20', user.email, user.password);
    expect(owner.status).toBe(200);
  });

  it('believes a named address only next to the right internal token', async () => {
    const user = await newAccount('198.51.100.30');
    // Without the token (or with a wrong one) the header is the caller's own claim: all these come from 127.0.0.1.
    for (let i = 0; i < 5; i++) {
      const response = await signInAs(`203.0.113.${i + 1}`, user.email, `guess-${i}-xx`, 'not-the-internal-token-at-all');
      expectApiError(response, 401, 'AUTH_FAILED');
    }
    expectApiError(await signInAs(null, user.email, user.password), 429, 'RATE_LIMIT');
  });
});

describe('new identities per address', () => {
  it('refuses a fourth visitor from one address within 10 minutes with RATE_LIMIT, in words, while other addresses still get theirs', async () => {
    const create = (address: string) => request(service, 'POST', '/v1/visitors', { headers: onBehalfOf(address) });
    for (let i = 0; i < 3; i++) expect((await create('192.0.2.10')).status).toBe(201);
    const refused = await create('192.0.2.10');
    const error = expectApiError(refused, 429, 'RATE_LIMIT');
    expect(error.message).toMatch(/Too many new guest sessions from your network\. Try again in \d+ s\./);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await create('192.0.2.11')).status).toBe(201);
  });

  it('refuses a third account from one address within the hour, while other addresses can still sign up', async () => {
    const create = (address: string, n: number) =>
      request(service, 'POST', '/v1/auth/signup', {
        headers: onBehalfOf(address),
        body: { email: `limit-${address}-${n}@example.test`, password: 'correct horse battery', display_name: 'Limit' },
      });
    for (let i = 0; i < 2; i++) expect((await create('192.0.2.20', i)).status).toBe(201);
    expectApiError(await create('192.0.2.20', 2), 429, 'RATE_LIMIT');
    expect((await create('192.0.2.21', 0)).status).toBe(201);
  });
});
