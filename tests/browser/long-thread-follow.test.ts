import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { agentMessages, openPost, sample, seededPosts, sendMessage, waitForConnection } from './support/app';
import type { HarnessEnv } from './support/harness-env';

/**
 * A long thread in a short window: the list renders only the rows near the viewport, opens on
 * the newest message, keeps the end of a streaming reply in view while the reader is at the
 * bottom, and leaves the reader where they are (no blank gap, no jump) once they scroll up.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const OLDER_MESSAGES = 160;

/** Where the streaming reply and the reader's view are, read in the page. */
interface View {
  status: string | null;
  length: number;
  /** The reply's bottom edge minus the scroller's (≤ 0: its end is in view). */
  replyBottomBelowView: number;
  scrollTop: number;
  /** Distance from the bottom of the scrolled content. */
  fromEnd: number;
  /** The tallest stretch of the view above its last row that no message row covers (rows are 4 px apart, groups 18). */
  blankPx: number;
}

/**
 * Reads the view as the next frame paints it: in a resize observer made now, whose first callback
 * comes in that frame after the list's own observers (observers are called in the order they were
 * made), so after the virtualizer has scrolled a grown reply back into view. Read between two
 * frames, the reply can be a token taller than the view that is then painted.
 */
async function readView(page: Page): Promise<View> {
  return page.evaluate(async () => {
    const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroll"]');
    if (!scroller) throw new Error('no scroller');
    await new Promise<void>((resolve) => {
      const observer = new ResizeObserver(() => {
        observer.disconnect();
        resolve();
      });
      observer.observe(scroller);
    });
    const rows = [...document.querySelectorAll<HTMLElement>('li[data-author-kind="agent"]')];
    const reply = rows[rows.length - 1];
    if (!reply) throw new Error('no agent reply');
    const box = scroller.getBoundingClientRect();
    const spans = [...document.querySelectorAll<HTMLElement>('li[data-status]')]
      .map((row) => row.getBoundingClientRect())
      .filter((r) => r.bottom > box.top && r.top < box.bottom)
      .map((r) => [Math.max(r.top, box.top), Math.min(r.bottom, box.bottom)] as const)
      .sort((a, b) => a[0] - b[0]);
    let blankPx = spans.length === 0 ? box.height : spans[0]![0] - box.top;
    for (let i = 1; i < spans.length; i += 1) blankPx = Math.max(blankPx, spans[i]![0] - spans[i - 1]![1]);
    return {
      status: reply.getAttribute('data-status'),
      length: (reply.textContent ?? '').length,
      replyBottomBelowView: reply.getBoundingClientRect().bottom - box.bottom,
      scrollTop: scroller.scrollTop,
      fromEnd: scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight,
      blankPx,
    };
  });
}

async function insertHistory(env: HarnessEnv, threadId: string): Promise<void> {
  for (let i = 1; i <= OLDER_MESSAGES; i += 1) {
    const res = await fetch(`${env.chatHttpUrl}/v1/internal/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.internalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: i % 2 === 1 ? 'user' : 'agent', content: `Earlier message ${i}: a line or two of **history** to scroll past.`, source: 'voice', client_message_id: randomUUID() }),
    });
    if (!res.ok) throw new Error(`inserting message ${i}: HTTP ${res.status}`);
  }
}

it(
  'in a long thread the view follows a streaming reply to its end, and stays put once the reader scrolls up',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page, dialogs } = await newPerson({ viewport: { width: 1024, height: 560 } });
    await openPost(page, post!);
    await page.getByRole('button', { name: 'Start a private thread' }).click();
    await page.waitForURL(/\/threads\/[0-9a-f-]{36}/);
    const threadId = new URL(page.url()).pathname.split('/').filter(Boolean).at(-1) ?? '';
    await insertHistory(env, threadId);
    await page.reload();
    await waitForConnection(page);

    // Opens on the newest message (the latest page; older ones on request); only the rows near
    // the viewport are in the DOM.
    await page.getByText(`Earlier message ${OLDER_MESSAGES}:`).waitFor();
    await page.getByRole('button', { name: 'Load older messages' }).waitFor({ state: 'attached' });
    const rows = page.locator('li[data-status]');
    const held = Number(await rows.last().getAttribute('aria-setsize'));
    expect(held).toBeGreaterThanOrEqual(40);
    expect(await rows.count()).toBeLessThan(held / 2);
    await screenshot(page, 'long-thread-0-opened');

    // At the bottom: every sample while the reply streams has its end in view.
    await sendMessage(page, 'Please write a long answer so the window has to follow it.');
    const reply = agentMessages(page).last();
    await reply.and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });
    const following = await sample(() => readView(page), (v) => v.status !== 'streaming', { intervalMs: 80, timeoutMs: 30_000 });
    const streaming = following.filter((v) => v.status === 'streaming');
    expect(new Set(streaming.map((v) => v.length)).size).toBeGreaterThanOrEqual(3); // it grew while we watched
    expect(streaming.map((v) => Math.round(v.replyBottomBelowView)).filter((below) => below > 2)).toEqual([]);
    expect(Math.max(...following.map((v) => v.blankPx))).toBeLessThanOrEqual(30);
    await sample(() => readView(page), (v) => v.replyBottomBelowView <= 2 && v.fromEnd <= 2, { intervalMs: 50, timeoutMs: 3_000 });
    await screenshot(page, 'long-thread-1-followed');

    // Scrolled up while the next reply streams: the view stays where the reader put it.
    await sendMessage(page, 'And another long answer, while I read further up.');
    await page.locator('li[data-status="streaming"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="message-scroll"]').evaluate((el) => el.scrollBy(0, -700));
    const jump = page.getByRole('button', { name: /Jump to latest/ });
    await jump.waitFor();
    const parked = await sample(() => readView(page), (v) => v.status !== 'streaming', { intervalMs: 80, timeoutMs: 30_000 });
    const tops = parked.map((v) => Math.round(v.scrollTop));
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(1);
    expect(Math.max(...parked.map((v) => v.blankPx))).toBeLessThanOrEqual(30);
    expect(parked.at(-1)!.fromEnd).toBeGreaterThan(300);
    await screenshot(page, 'long-thread-2-scrolled-up');

    // "Jump to latest" brings the end of the finished reply back.
    await jump.click();
    await sample(() => readView(page), (v) => v.fromEnd <= 2 && v.replyBottomBelowView <= 2, { intervalMs: 50, timeoutMs: 5_000 });
    await jump.waitFor({ state: 'detached' });
    await screenshot(page, 'long-thread-3-latest');

    // The finished replies show exactly what the server stored (a reload renders them from it).
    // Drawn as they streamed and kept as drawn; after the reload `Markdown` draws them: the same
    // elements, attributes and text.
    const lastTwoReplies = () =>
      agentMessages(page).evaluateAll((rows) => {
        const shape = (node: Node): string => {
          if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
          if (!(node instanceof Element)) return '';
          const attributes = [...node.attributes].map((a) => `${a.name}=${a.value}`).sort().join(' ');
          return `<${node.tagName} ${attributes}>${[...node.childNodes].map(shape).join('')}</${node.tagName}>`;
        };
        return rows.slice(-2).map((row) => shape(row.querySelector('[class*="markdown"]') ?? row));
      });
    const shown = await lastTwoReplies();
    await page.reload();
    await waitForConnection(page);
    await page.getByText('And another long answer, while I read further up.').first().waitFor();
    expect(await lastTwoReplies()).toEqual(shown);
    expect(shown.every((text) => text.includes('demo agent'))).toBe(true);

    // "Load older messages" from the keyboard, page after page: the focus stays on the button
    // while it loads and goes to the messages when nothing older is left, never to the page's body.
    const older = page.getByRole('button', { name: /Load older messages|Loading…/ });
    const focusedOn = () => page.evaluate(() => (document.activeElement === document.body ? 'body' : (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '')));
    await older.focus();
    for (let page_ = 0; page_ < 10 && (await older.count()) > 0; page_++) {
      await page.keyboard.press('Enter');
      await sample(() => older.textContent().catch(() => null), (text) => text !== 'Loading…', { intervalMs: 50, timeoutMs: 10_000 });
      expect(await focusedOn()).not.toBe('body');
    }
    expect(await older.count()).toBe(0);
    expect(await focusedOn()).toBe('Messages');
    await page.getByText('Earlier message 1:').waitFor({ state: 'attached' });
    expect(dialogs).toEqual([]);
  }),
);
