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
/** Failed sign-ins one address may make in 10 minutes, whatever the emails (small here; 30 by default). */
const FAILED_SIGN_INS_PER_ADDRESS = 10;
/** Failed sign-ins one email may take in an hour, from any addresses (small here; 50 by default). */
const FAILED_SIGN_INS_PER_EMAIL = 12;

beforeAll(async () => {
  service = await startChatService({
    env: {
      VISITORS_PER_ADDRESS_PER_10_MIN: '3',
      SIGN_UPS_PER_ADDRESS_PER_HOUR: '2',
      FAILED_SIGN_INS_PER_ADDRESS_PER_10_MIN: String(FAILED_SIGN_INS_PER_ADDRESS),
      FAILED_SIGN_INS_PER_EMAIL_PER_HOUR: String(FAILED_SIGN_INS_PER_EMAIL),
    },
  });
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

  it('bounds the guesses at one account made from ever new addresses (someone with many addresses)', async () => {
    const user = await newAccount('198.51.100.40');
    for (let i = 0; i < FAILED_SIGN_INS_PER_EMAIL; i++) expectApiError(await signInAs(`203.0.114.${i + 1}`, user.email, `guess-${i}-xx`), 401, 'AUTH_FAILED');
    expectApiError(await signInAs('203.0.114.200', user.email, 'guess-last-xx'), 429, 'RATE_LIMIT');
    // Spent, it holds for the right password too (or a guess could still find it), until the hour is over.
    expectApiError(await signInAs('198.51.100.40', user.email, user.password), 429, 'RATE_LIMIT');
    // Other accounts are not touched.
    const other = await newAccount('198.51.100.41');
    expect((await signInAs('203.0.114.201', other.email, other.password)).status).toBe(200);
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

describe('sign-in attempts count per address too', () => {
  it('refuses, with RATE_LIMIT and Retry-After and without checking passwords, an address trying many emails, while a person who mistypes is not locked out', async () => {
    const user = await newAccount('198.51.100.40');
    const address = '192.0.2.40';
    // Right passwords do not count against the address, however many.
    for (let i = 0; i < FAILED_SIGN_INS_PER_ADDRESS + 2; i++) expect((await signInAs(address, user.email, user.password)).status).toBe(200);
    // The person mistypes a few times, then gets it right.
    for (let i = 0; i < 3; i++) expectApiError(await signInAs(address, user.email, `typo-${i}-xxx`), 401, 'AUTH_FAILED');
    expect((await signInAs(address, user.email, user.password)).status).toBe(200);

    // Then someone there tries 40 unknown emails at once (each would cost a password check).
    const started = Date.now();
    const guesses = await Promise.all(Array.from({ length: 40 }, () => signInAs(address, `nobody-${randomUUID()}@example.test`, 'some password')));
    const statuses = guesses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(FAILED_SIGN_INS_PER_ADDRESS - 3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - (FAILED_SIGN_INS_PER_ADDRESS - 3));
    const refused = guesses.find((response) => response.status === 429)!;
    const error = expectApiError(refused, 429, 'RATE_LIMIT');
    expect(error.message).toMatch(/Too many failed sign-ins\. Try again in \d+ s\./);
    expect(error.retry_after_s).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBe(error.retry_after_s);

    // The address's budget is spent: no password is checked from there, a right one included,
    // while the same person elsewhere (and everyone else behind the web server) signs in.
    expectApiError(await signInAs(address, user.email, user.password), 429, 'RATE_LIMIT');
    expect((await signInAs('198.51.100.41', user.email, user.password)).status).toBe(200);
    process.stdout.write(
      `reliability: sign-in flood: 40 unknown emails at once from one address: ${FAILED_SIGN_INS_PER_ADDRESS - 3} checked (401), ` +
        `${40 - (FAILED_SIGN_INS_PER_ADDRESS - 3)} refused 429 (retry after ${error.retry_after_s} s), in ${Date.now() - started} ms\n`,
    );
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
