import { randomUUID } from 'node:crypto';
import { readHarnessEnv } from './support/harness-env';

/**
 * A page that does not exist answers 404, not 200 with "Page not found" in it: crawlers, link
 * checkers and monitoring read the status. A loading skeleton around every page made Next.js
 * start streaming (status 200) before the page could say "not found".
 */

const env = readHarnessEnv();

it.each([['/posts/no-such-post'], [`/threads/${randomUUID()}`], ['/threads/not-an-id'], ['/no-such-page']])('GET %s answers 404 with the not-found page', async (path) => {
  const response = await fetch(new URL(path, env.baseUrl), { headers: { 'sec-fetch-dest': 'document' } });
  expect(response.status).toBe(404);
  expect(await response.text()).toContain('Page not found');
});
