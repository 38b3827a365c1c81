import { randomUUID } from 'node:crypto';
import { setUpBrowser } from './support/browser';
import { composer, sample, seededPosts, startThread, waitForConnection } from './support/app';
import type { HarnessEnv } from './support/harness-env';

/**
 * The composer grows with what is typed or pasted (up to 40% of the screen), which makes the
 * message list's scroller shorter. A reader at the end must stay there: without care the scroll
 * offset stays put and the box's growth covers the latest messages, with "Jump to latest" over them.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const PHONE = { width: 390, height: 844 };

async function insertThreadHistory(env: HarnessEnv, threadId: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    const res = await fetch(`${env.chatHttpUrl}/v1/internal/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.internalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: i % 2 === 1 ? 'user' : 'agent', content: `History line ${i}: something said earlier, long enough to wrap on a phone.`, source: 'voice', client_message_id: randomUUID() }),
    });
    if (!res.ok) throw new Error(`inserting message ${i}: HTTP ${res.status}`);
  }
}

it(
  'on a phone, a reader at the end stays at the end when a long paste grows the composer',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: PHONE });
    await startThread(page, post!);
    const threadId = new URL(page.url()).pathname.split('/').filter(Boolean).at(-1) ?? '';
    await insertThreadHistory(env, threadId, 30);
    await page.reload();
    await waitForConnection(page);
    await page.getByText('History line 30:').waitFor();

    const view = () =>
      page.evaluate(() => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroll"]')!;
        const rows = scroller.querySelectorAll('li[data-status]');
        const last = rows[rows.length - 1]!.getBoundingClientRect();
        return {
          fromEnd: scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight,
          lastBelowView: last.bottom - scroller.getBoundingClientRect().bottom,
          height: scroller.clientHeight,
        };
      });
    await sample(view, (v) => v.fromEnd <= 2, { intervalMs: 50, timeoutMs: 5_000 });
    // Only the list scrolls: the page is one screen (the hidden "You" labels of a long thread once
    // made it thousands of pixels tall).
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(PHONE.height);
    const before = await view();

    const { box } = composer(page);
    const paste = 'A long paste from somewhere else, word after word. '.repeat(12).slice(0, 600);
    // Resize observers, the virtualizer and scroll events get a few frames to settle.
    const settle = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))));
    await box.fill(paste);
    await settle();
    const after = await view();
    expect(after.height).toBeLessThan(before.height - 40); // the composer did grow
    expect(after.fromEnd).toBeLessThanOrEqual(2);
    expect(after.lastBelowView).toBeLessThanOrEqual(2);
    expect(await page.getByRole('button', { name: /Jump to latest/ }).count()).toBe(0);
    await screenshot(page, 'composer-grow-follow-phone', { fullPage: false });

    // A reader who scrolled up is left where they are.
    await box.fill('');
    await settle();
    await page.locator('[data-testid="message-scroll"]').evaluate((el) => el.scrollBy(0, -400));
    await settle();
    const parked = await page.locator('[data-testid="message-scroll"]').evaluate((el) => el.scrollTop);
    await box.fill(paste);
    await settle();
    expect(await page.locator('[data-testid="message-scroll"]').evaluate((el) => el.scrollTop)).toBeCloseTo(parked, 0);
    await page.getByRole('button', { name: /Jump to latest/ }).waitFor();
  }),
);
