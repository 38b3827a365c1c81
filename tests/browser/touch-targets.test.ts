import { randomUUID } from 'node:crypto';
import type { Locator, Page, WebSocketRoute } from 'playwright-core';
import { newAccount, setUpBrowser, type Person } from './support/browser';
import { agentMessages, composer, conversation, messageItems, refuseMessage, seededPosts, sendMessage, signUp, startThread, waitForConnection } from './support/app';
import type { HarnessEnv } from './support/harness-env';
import { notCompact, PHONE, TOUCH_TARGET_PX, tooSmall, touchBox, type Size } from './support/touch';

/**
 * On a phone the controls people tap are touch targets of at least 44×44 px (WCAG 2.5.5, Apple's
 * and Google's guidance): the composer's buttons (Stop was a 34 px icon beside the message box),
 * the site header's links and buttons (33 px high, the logo 15×30), and the message list's
 * controls ("Jump to latest" and "Load older messages" were 33 px high, "Copy", "Try again" and
 * "Retry" 18–20 px lines of text), and the rarer ones: a code block's "Copy", the alert's "×",
 * the connection line's "Retry now", "Start voice", and a post page's "← All posts" and "About
 * this agent". On a desktop they keep their compact look.
 */
const browser = setUpBrowser({ timeoutMs: 90_000 });

async function streamAReply(page: Page): Promise<void> {
  await sendMessage(page, 'Tell me something in a few paragraphs, please.');
  await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
}

/** The open thread gets more than a page of history (the list then offers older messages), shown after a reload. */
async function fillWithHistory(page: Page, env: HarnessEnv): Promise<void> {
  const threadId = new URL(page.url()).pathname.split('/').filter(Boolean).at(-1) ?? '';
  await insertThreadHistory(env, threadId, 60);
  await page.reload();
  await waitForConnection(page);
  await page.getByText('History line 60:').waitFor();
}

it(
  'on a phone, Stop (while a reply streams) and Send are at least 44×44 px, and the message box stays one line',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await startThread(page, post!);
    const { box, send } = composer(page);
    const emptyHeight = (await box.boundingBox())!.height;

    await streamAReply(page);
    const stop = await conversation(page).getByRole('button', { name: 'Stop' }).boundingBox();
    const sendBox = await send.boundingBox();
    await screenshot(page, 'touch-targets-phone-streaming', { fullPage: false });
    expect(stop!.width).toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
    expect(stop!.height).toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
    expect(sendBox!.height).toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
    // Still one line high, and the same as before Stop appeared.
    const lineHeight = await box.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    const whileStreaming = (await box.boundingBox())!.height;
    expect(whileStreaming).toBeLessThan(2 * lineHeight + 24);
    expect(whileStreaming).toBeCloseTo(emptyHeight, 0);
  }),
);

it(
  'on a desktop, Stop keeps its compact look: its label beside the icon, under 44 px high',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 1280, height: 860 } });
    await startThread(page, post!);
    await streamAReply(page);
    const stop = conversation(page).getByRole('button', { name: 'Stop' });
    await screenshot(page, 'touch-targets-desktop-streaming', { fullPage: false });
    expect(await stop.innerText()).toBe('Stop');
    expect((await stop.boundingBox())!.height).toBeLessThan(TOUCH_TARGET_PX);
  }),
);

/** The site header's links and buttons (the brand link, the nav, Sign in or Sign out). */
function headerControls(page: Page): Locator {
  return page.getByRole('banner').locator('a, button');
}

async function measureHeader(page: Page): Promise<Record<string, Size & { tappable: boolean }>> {
  const out: Record<string, Size & { tappable: boolean }> = {};
  for (const control of await headerControls(page).all()) {
    const name = (await control.getAttribute('aria-label')) ?? (await control.innerText()).trim();
    out[`header "${name}"`] = await touchBox(control);
  }
  return out;
}

/**
 * The header fits the screen on one line: no sideways scrolling of the page, the header as tall
 * as on a desktop, and each of its controls inside it.
 */
async function headerFits(page: Page): Promise<{ pageScrollsSideways: boolean; headerHeight: number; outside: string[] }> {
  return page.evaluate(() => {
    const header = document.querySelector('header')!.getBoundingClientRect();
    const outside = [...document.querySelectorAll('header a, header button')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.top < header.top || r.bottom > header.bottom || r.left < 0 || r.right > window.innerWidth;
      })
      .map((el) => el.getAttribute('aria-label') ?? el.textContent ?? '');
    return { pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth, headerHeight: header.height, outside };
  });
}

const HEADER_HEIGHT_PX = 56;

async function insertThreadHistory(env: HarnessEnv, threadId: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    const res = await fetch(`${env.chatHttpUrl}/v1/internal/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.internalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: i % 2 === 1 ? 'user' : 'agent', content: `History line ${i}: something said earlier.`, source: 'voice', client_message_id: randomUUID() }),
    });
    if (!res.ok) throw new Error(`inserting message ${i}: HTTP ${res.status}`);
  }
}

it(
  'on a phone, every link and button of the site header is at least 44×44 px, and the header stays one line at 390 and 360 px',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson(PHONE);
    // Signed out: the brand, Posts, Your threads, Sign in.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
    const signedOut = await measureHeader(page);
    await screenshot(page, 'touch-targets-phone-header-signed-out', { fullPage: false });
    expect(Object.keys(signedOut)).toEqual(['header "Confab home"', 'header "Posts"', 'header "Your threads"', 'header "Sign in"']);
    // Signed in: Sign out instead of Sign in, beside the name.
    await signUp(page, newAccount('Tess'));
    const signedIn = await measureHeader(page);
    await screenshot(page, 'touch-targets-phone-header-signed-in', { fullPage: false });
    expect(Object.keys(signedIn)).toContain('header "Sign out"');
    expect(tooSmall({ ...signedOut, ...signedIn })).toEqual([]);

    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 740 });
      expect(await headerFits(page)).toEqual({ pageScrollsSideways: false, headerHeight: HEADER_HEIGHT_PX, outside: [] });
      expect(await page.getByTestId('current-user').isVisible()).toBe(true);
    }
    await screenshot(page, 'touch-targets-phone-header-signed-in-360', { fullPage: false });
  }),
);

it(
  'on a phone, the conversation\'s small controls are at least 44×44 px: Load older messages, Jump to latest, Copy reply, Try again',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson(PHONE);
    await startThread(page, post!);
    await fillWithHistory(page, env);
    const sizes: Record<string, Size & { tappable?: boolean }> = {};

    const lastReply = agentMessages(page).last();
    sizes['Copy reply'] = await touchBox(lastReply.getByRole('button', { name: 'Copy reply' }));
    await screenshot(page, 'touch-targets-phone-copy-reply', { fullPage: false });

    // Scrolled up: "Jump to latest" over the list, and "Load older messages" at its top.
    const scroll = conversation(page).getByTestId('message-scroll');
    await scroll.evaluate((el) => el.scrollTo({ top: 0 }));
    const jump = conversation(page).getByRole('button', { name: /Jump to latest/ });
    await jump.waitFor();
    sizes['Jump to latest'] = await touchBox(jump);
    const older = conversation(page).getByRole('button', { name: 'Load older messages' });
    sizes['Load older messages'] = await touchBox(older);
    await screenshot(page, 'touch-targets-phone-jump-and-older', { fullPage: false });
    await jump.click();
    await jump.waitFor({ state: 'detached' });

    // A stopped reply offers "Try again".
    await streamAReply(page);
    const stopped = agentMessages(page).last();
    await conversation(page).getByRole('button', { name: 'Stop' }).click();
    await stopped.and(page.locator('[data-status="stopped"]')).waitFor();
    sizes['Try again'] = await touchBox(stopped.getByRole('button', { name: 'Try again' }));
    await screenshot(page, 'touch-targets-phone-try-again', { fullPage: false });

    expect(tooSmall(sizes)).toEqual([]);
    expect(await headerFits(page)).toEqual({ pageScrollsSideways: false, headerHeight: HEADER_HEIGHT_PX, outside: [] });
  }),
);

it(
  'on a phone, "Retry" under a message the server refused is at least 44×44 px',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { context, page } = await newPerson(PHONE);
    // The chat service refuses no message a person can send from this page: the socket is routed
    // so that one message is refused as the service would (e.g. a message over its limit).
    const REFUSE = 'Refuse this one, please';
    await refuseMessage(context, REFUSE);
    await startThread(page, post!);
    await sendMessage(page, REFUSE);
    const failed = messageItems(page).and(page.locator('[data-status="failed"]'));
    await failed.waitFor();
    const retry = await touchBox(failed.getByRole('button', { name: 'Retry', exact: true }));
    await screenshot(page, 'touch-targets-phone-retry', { fullPage: false });
    expect(tooSmall({ Retry: retry })).toEqual([]);
  }),
);

it(
  'on a desktop, the header and the conversation\'s small controls keep their compact look (under 44 px high)',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 1280, height: 860 } });
    await signUp(page, newAccount('Dana'));
    await startThread(page, post!);
    await fillWithHistory(page, env);
    const heights: Record<string, number> = {};
    for (const [name, size] of Object.entries(await measureHeader(page))) heights[name] = size.height;
    heights['Copy reply'] = (await touchBox(agentMessages(page).last().getByRole('button', { name: 'Copy reply' }))).height;
    await conversation(page).getByTestId('message-scroll').evaluate((el) => el.scrollTo({ top: 0 }));
    heights['Jump to latest'] = (await touchBox(conversation(page).getByRole('button', { name: /Jump to latest/ }))).height;
    heights['Load older messages'] = (await touchBox(conversation(page).getByRole('button', { name: 'Load older messages' }))).height;
    await screenshot(page, 'touch-targets-desktop-header-and-list', { fullPage: false });
    expect(Object.entries(heights).filter(([, h]) => h >= TOUCH_TARGET_PX)).toEqual([]);
  }),
);

/** A socket frame the page sends, as far as these tests read it. */
interface SentFrame {
  event?: string;
  data?: { message?: string; client_message_id?: string };
}

function readFrame(frame: string | Buffer): SentFrame | null {
  return typeof frame === 'string' && frame.startsWith('{') ? (JSON.parse(frame) as SentFrame) : null;
}

type Measured = Record<string, Size & { tappable: boolean }>;

/**
 * A thread with the voice agent, showing in turn the conversation's rarer controls, each measured
 * as it appears: "Start voice" in the thread's head (disabled, with its reason, when the server
 * has no LiveKit), a code block's "Copy" in my message, the alert's "×" (Dismiss) and the
 * connection line's "Retry now". The socket is routed: one message is answered with an error
 * about nothing in particular, which the page shows in an alert (as the service does for e.g. a
 * conflict, which two writers would have to race for: a real one cannot be timed here), and the
 * test can close it; then every new ticket is refused, so the backoff grows
 * past the 3 s from which "Retry now" is offered. Also how much taller the conversation's head
 * is with "Retry now" in it than when connected.
 */
async function rarerControls(person: Person, env: HarnessEnv, shot: (name: string) => Promise<unknown>): Promise<{ sizes: Measured; rowOverWords: number }> {
  const { context, page } = person;
  const post = (await seededPosts(env)).find((p) => p.agent.voice_enabled);
  if (!post) throw new Error('no seeded post has voice on');
  const ALERT = 'Answer this one with an error, please';
  const sockets: WebSocketRoute[] = [];
  await context.routeWebSocket(/\/ws\/v1\//, (ws) => {
    sockets.push(ws);
    const server = ws.connectToServer();
    ws.onMessage((frame) => {
      const parsed = readFrame(frame);
      if (parsed?.event === 'action' && parsed.data?.message === ALERT) {
        ws.send(JSON.stringify({ event: 'error', data: { code: 'CONFLICT', message: 'Answered with an error by the test.' } }));
      } else {
        server.send(frame);
      }
    });
  });
  await startThread(page, post);
  const sizes: Measured = {};
  sizes['Start voice'] = await touchBox(page.getByRole('button', { name: 'Start voice' }));

  await sendMessage(page, 'Run:\n\n```sh\nnpm ci\nnpm start -- --port 3000\n```');
  const mine = messageItems(page).and(page.locator('[data-mine="true"]')).filter({ hasText: 'Run:' });
  await mine.locator('pre').waitFor();
  // Measured once the reply is done and the page has settled: right after sending, my message's
  // code block can be drawn again (the Copy button being measured was once detached).
  await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
  sizes['code block Copy'] = await touchBox(mine.getByRole('button', { name: 'Copy', exact: true }));
  await shot('code-block-copy');

  await sendMessage(page, ALERT);
  const dismiss = conversation(page).getByRole('alert').getByRole('button', { name: 'Dismiss' });
  await dismiss.waitFor();
  sizes['alert Dismiss'] = await touchBox(dismiss);
  await shot('alert-dismiss');
  await dismiss.click();
  await dismiss.waitFor({ state: 'detached' });

  await context.route('**/api/ws-ticket*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
  await sockets.at(-1)!.close({ code: 1001, reason: 'Closed by the test.' });
  const retryNow = conversation(page).getByRole('button', { name: 'Retry now' });
  await retryNow.waitFor({ timeout: 20_000 });
  sizes['Retry now'] = await touchBox(retryNow);
  await shot('retry-now');
  // The line with its cause ("Can't reach the chat server. Reconnecting in 3 s") takes a row of its
  // own under the title on a phone; the button must not make that row taller than its words.
  const words = conversation(page).getByTestId('connection-status');
  const rowOverWords = (await words.locator('..').boundingBox())!.height - (await words.boundingBox())!.height;
  await context.unroute('**/api/ws-ticket*');
  return { sizes, rowOverWords };
}

/** A post's page: "← All posts", and on a narrow screen "About this agent" (folded away on a wide one). */
async function postPageControls(page: Page, env: HarnessEnv, shot: (name: string) => Promise<unknown>): Promise<Measured> {
  const [post] = await seededPosts(env);
  await page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
  await waitForConnection(page);
  const sizes: Measured = {};
  sizes['All posts'] = await touchBox(page.getByRole('link', { name: 'All posts' }));
  const about = page.locator('summary').filter({ hasText: 'About this agent' });
  if (await about.isVisible()) sizes['About this agent'] = await touchBox(about);
  await shot('post-page');
  return sizes;
}

it(
  'on a phone, the conversation\'s rarer controls are at least 44×44 px: a code block\'s Copy, the alert\'s ×, "Retry now", "Start voice"',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const person = await newPerson(PHONE);
    const { sizes, rowOverWords } = await rarerControls(person, env, (name) => screenshot(person.page, `touch-targets-phone-${name}`, { fullPage: false }));
    expect(Object.keys(sizes)).toEqual(['Start voice', 'code block Copy', 'alert Dismiss', 'Retry now']);
    expect(tooSmall(sizes)).toEqual([]);
    // "Retry now" reaches into the padding around it: its row is as tall as its words (less than 2 px
    // more: the dot and the button's line box round differently), not 24 px taller.
    expect(rowOverWords).toBeLessThan(2);
    expect(await person.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
  }),
);

it(
  'on a phone, a post page\'s "← All posts" and "About this agent" are at least 44×44 px',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const { page } = await newPerson(PHONE);
    const sizes = await postPageControls(page, env, (name) => screenshot(page, `touch-targets-phone-${name}`, { fullPage: false }));
    expect(Object.keys(sizes)).toEqual(['All posts', 'About this agent']);
    expect(tooSmall(sizes)).toEqual([]);
    expect(await headerFits(page)).toEqual({ pageScrollsSideways: false, headerHeight: HEADER_HEIGHT_PX, outside: [] });
  }),
);

it(
  'on a desktop, the rarer controls and the post page\'s "← All posts" keep their compact look (under 44 px high)',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const person = await newPerson({ viewport: { width: 1280, height: 860 } });
    const shot = (name: string) => screenshot(person.page, `touch-targets-desktop-${name}`, { fullPage: false });
    const sizes = { ...(await rarerControls(person, env, shot)).sizes, ...(await postPageControls(person.page, env, shot)) };
    const heights = Object.fromEntries(Object.entries(sizes).map(([name, size]) => [name, size.height]));
    expect(Object.keys(heights)).toEqual(['Start voice', 'code block Copy', 'alert Dismiss', 'Retry now', 'All posts']);
    expect(notCompact(heights)).toEqual([]);
  }),
);
