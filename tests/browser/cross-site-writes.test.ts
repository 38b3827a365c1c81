import { readHarnessEnv } from './support/harness-env';

/**
 * Writes to our API that another site sends are refused before any route runs: SameSite=Lax
 * cookies ride along with a sibling subdomain's POST (it is the same site), and sign-out or a voice
 * room token take no body whose content type could be required. The browser names the sender in
 * Sec-Fetch-Site; the app's own requests say same-origin (every other browser test makes them).
 */

const env = readHarnessEnv();

it.each([['same-site'], ['cross-site']])('a POST that says Sec-Fetch-Site: %s is refused with FORBIDDEN, in words', async (site) => {
  const response = await fetch(new URL('/api/auth/signout', env.baseUrl), { method: 'POST', headers: { 'sec-fetch-site': site } });
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Requests from other sites are not accepted.' } });
});

it('the same POST from our own pages (same-origin) goes through', async () => {
  const response = await fetch(new URL('/api/auth/signout', env.baseUrl), { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
  expect(response.status).toBeLessThan(300);
});

it('reads are not affected, whoever asks', async () => {
  const response = await fetch(new URL('/api/auth/me', env.baseUrl), { headers: { 'sec-fetch-site': 'cross-site' } });
  expect(response.status).not.toBe(403);
});
