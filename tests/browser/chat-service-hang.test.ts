import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { freePort, type ManagedChild } from '../../libs/launcher';
import { PAGE_BUDGET_MS } from '../../libs/auth/src/deadline';
import { setUpBrowser } from './support/browser';
import { inheritedEnv, startWebApp } from './support/web-app';

/**
 * A chat service that accepts connections but never answers (a hung process, a stuck database):
 * a page says so in words within its one budget for the chat service, not after one timeout per
 * call. Its calls each waited 10 s, one after another, and Next.js renders the root layout again
 * for the error page (asking who is there once more): a thread page took 20 s, a first visit to a
 * post page 30 s. Here a second web app (the harness's build, started as `npm start` starts it)
 * runs against such a service.
 */

/** Navigation, hydration and the error page's own render, on a busy machine. */
const MARGIN_MS = 4_000;

const browser = setUpBrowser({ timeoutMs: 120_000 });

let hung: net.Server;
const held = new Set<net.Socket>();
let web: ManagedChild | null = null;
let app = '';

beforeAll(async () => {
  hung = net.createServer((socket) => {
    // Read what is asked, answer nothing.
    held.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;

  const env = { ...inheritedEnv(), NEXT_TELEMETRY_DISABLED: '1', CHAT_SERVICE_URL: hungUrl, LOG_LEVEL: 'warn' };
  const port = await freePort();
  web = await startWebApp({ name: 'web (hung chat service)', port, env, logFile: 'web-server-hung-chat-service.log' });
  app = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  if (web && !web.hasExited()) await web.stop(10_000);
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
});

/** Opens `url` and waits for the error page; returns how long it took and what it says. */
async function timeToError(page: Page, url: string): Promise<{ ms: number; words: string }> {
  const started = Date.now();
  await page.goto(url, { timeout: 60_000 });
  const alert = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Something went wrong' }) });
  await alert.waitFor({ timeout: 60_000 });
  return { ms: Date.now() - started, words: await alert.innerText() };
}

it(
  "a signed-in person's thread page says the chat service is too slow within one budget",
  browser.test(async ({ newPerson, screenshot }) => {
    const { context, page } = await newPerson();
    // Any token: the chat service never gets to say whether it is good.
    await context.addCookies([{ name: 'confab_session', value: 'a-session-token', url: app }]);
    const { ms, words } = await timeToError(page, `${app}/threads/${randomUUID()}`);
    await screenshot(page, 'thread-page-chat-service-hung');
    expect(ms).toBeLessThan(PAGE_BUDGET_MS + MARGIN_MS);
    expect(words).toContain("Confab's chat service is taking too long to answer");
  }),
);

it(
  "someone's first visit to a post page (a visitor is made first) says so within the same budget",
  browser.test(async ({ newPerson }) => {
    const { page } = await newPerson();
    const { ms, words } = await timeToError(page, `${app}/posts/writing-coach`);
    expect(ms).toBeLessThan(PAGE_BUDGET_MS + MARGIN_MS);
    expect(words).toContain("Confab's chat service is taking too long to answer");
  }),
);
