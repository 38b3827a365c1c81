import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { conversation, seededPosts, signUp, startThread, waitForConnection } from './support/app';
import { PHONE } from './support/touch';

/**
 * The conversation's head on a phone while the connection is down: the title, the connection's
 * words and its "Retry now" / "Reconnect" button. They once shared one squeezed row: the title
 * broke onto two lines ("Shared / conversation") or spilled out of its box, the words wrapped into
 * a narrow column, and "Reconnect" was pushed out of the panel. Now the words go under the title
 * when both do not fit on one row.
 */
const browser = setUpBrowser({ timeoutMs: 150_000 });

/** What a person would see wrong in the head; an empty list when it reads cleanly. */
interface HeadFaults {
  /** Every line of text the title takes (1 when it reads on one line). */
  titleLines: number;
  /** Words broken across two lines, or sticking out of a box that holds them (the head's included). */
  brokenWords: string[];
  /** Whether the title and the connection line (dot, words, button) are drawn over each other. */
  overlap: boolean;
}

/** Reads the head as it is laid out: every word of it whole, on its line, inside the head. */
async function headFaults(page: Page): Promise<HeadFaults> {
  return conversation(page)
    .locator('header')
    .evaluate((head) => {
      const lineTops = (rects: DOMRectList | DOMRect[]): number[] => [...new Set([...rects].filter((r) => r.width > 0).map((r) => Math.round(r.top)))];
      const textRects = (el: Element): DOMRect[] => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return [...range.getClientRects()].filter((r) => r.width > 0);
      };
      const intersect = (a: DOMRect, b: DOMRect): boolean => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      const title = head.querySelector('span')!;
      const status = head.querySelector('[data-testid="connection-status"]')!;

      const brokenWords: string[] = [];
      const walker = document.createTreeWalker(head, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        // The boxes the word must stay inside: its element's, and every one around it up to the head.
        const boxes: DOMRect[] = [];
        for (let el = node.parentElement; el && head.contains(el); el = el.parentElement) boxes.push(el.getBoundingClientRect());
        for (const match of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const rects = [...range.getClientRects()].filter((r) => r.width > 0);
          const cut = rects.some((r) => boxes.some((box) => r.left < box.left - 0.5 || r.right > box.right + 0.5));
          if (lineTops(rects).length !== 1 || cut) brokenWords.push(match[0]);
        }
      }
      // The connection's dot, words and button.
      const connection = status.parentElement!.getBoundingClientRect();
      const overlap = textRects(title).some((a) => intersect(a, connection));
      return { titleLines: lineTops(textRects(title)).length, brokenWords, overlap };
    });
}

const CLEAN: HeadFaults = { titleLines: 1, brokenWords: [], overlap: false };

/** The page's sockets go through the test, which can close them; returns the open ones. */
async function routeSockets(context: BrowserContext): Promise<WebSocketRoute[]> {
  const sockets: WebSocketRoute[] = [];
  await context.routeWebSocket(/\/ws\/v1\//, (ws) => {
    sockets.push(ws);
    ws.connectToServer();
  });
  return sockets;
}

/** Refuses every new ticket and drops the socket: the page counts down to its next try. */
async function dropConnection(context: BrowserContext, sockets: WebSocketRoute[]): Promise<void> {
  await context.route('**/api/ws-ticket*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
  await sockets.at(-1)!.close({ code: 1001, reason: 'Closed by the test.' });
}

for (const width of [390, 320]) {
  it(
    `on a ${width} px phone, the conversation's head reads cleanly while offline, reconnecting and after giving up`,
    browser.test(async ({ env, newPerson, screenshot }) => {
      const posts = await seededPosts(env);
      const { context, page } = await newPerson({ ...PHONE, viewport: { width, height: 844 } });
      // Each state's faults, all checked at the end, so a failure lists every state that reads badly.
      const seen: Record<string, HeadFaults> = {};
      const look = async (state: string): Promise<void> => {
        await screenshot(page, `conversation-head-${width}-${state}`, { fullPage: false });
        seen[state] = await headFaults(page);
      };
      // Fake timers that run at the real pace, so the test can skip the minutes of backoff
      // before the page gives up.
      await page.clock.install();
      await signUp(page, newAccount('Hana'));

      // A post's shared conversation: "Shared conversation" beside the longest words, the offline ones.
      await page.goto(`/posts/${encodeURIComponent(posts[0]!.slug)}`);
      await waitForConnection(page);
      await look('post-connected');
      await context.setOffline(true);
      const status = page.getByTestId('connection-status');
      await status.getByText("Offline — messages will be sent when you're back").waitFor();
      await look('post-offline');
      await context.setOffline(false);
      await waitForConnection(page);

      // A private thread ("You and Marco"): reconnecting, with "Retry now", then given up, with "Reconnect".
      const sockets = await routeSockets(context);
      await startThread(page, posts[1]!);
      await dropConnection(context, sockets);
      await conversation(page).getByRole('button', { name: 'Retry now' }).waitFor({ timeout: 20_000 });
      await look('thread-reconnecting');

      const reconnect = conversation(page).getByRole('button', { name: 'Reconnect' });
      for (let i = 0; i < 20 && !(await reconnect.isVisible()); i++) await page.clock.runFor(30_000);
      await status.getByText("Couldn't reconnect. Check your connection, then try again.").waitFor();
      await look('thread-gave-up');
      // The button is on the screen, where a finger can reach it (it was pushed out of the panel).
      const button = await reconnect.boundingBox();
      expect(button!.x + button!.width).toBeLessThanOrEqual(width);

      // Back online, the head is one row again.
      await context.unroute('**/api/ws-ticket*');
      await reconnect.click();
      await waitForConnection(page);
      await look('thread-connected');

      expect(seen).toEqual({
        'post-connected': CLEAN,
        'post-offline': CLEAN,
        'thread-reconnecting': CLEAN,
        'thread-gave-up': CLEAN,
        'thread-connected': CLEAN,
      });
    }),
  );
}
