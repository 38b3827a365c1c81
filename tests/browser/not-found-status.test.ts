import { randomUUID } from 'node:crypto';
import { readHarnessEnv } from './support/harness-env';

/**
 * A page that does not exist answers 404, not 200 with "Page not found" in it: crawlers, link
 * checkers and monitoring read the status. A loading skeleton around every page made Next.js
 * start streaming (status 200) before the page could say "not found".
 */

const env = readHarnessEnv();

it.each([
  ['/posts/no-such-post', 'Page not found'],
  // Someone signed out may be opening their own thread: asked to sign in, whether or not it exists.
  [`/threads/${randomUUID()}`, 'This thread is private'],
  ['/threads/not-an-id', 'This thread is private'],
  ['/no-such-page', 'Page not found'],
])('GET %s answers 404 with "%s"', async (path, words) => {
  const response = await fetch(new URL(path, env.baseUrl), { headers: { 'sec-fetch-dest': 'document' } });
  expect(response.status).toBe(404);
  const html = await response.text();
  expect(html).toContain(words);
  // The tab says it too, not just "Confab" (a thread's title comes from its own metadata).
  if (!path.startsWith('/threads/')) expect(html).toContain(`<title>${words} · Confab</title>`);
});
