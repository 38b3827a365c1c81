import type { Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { agentMessages, sample, seededPosts, sendMessage, startThread } from './support/app';

/**
 * While a reply streams, its caret sits at the end of the text being written: on the last line
 * of the last paragraph or list item, not on a line of its own below it (and it goes when the
 * reply ends).
 */
const browser = setUpBrowser({ timeoutMs: 90_000 });

interface CaretSample {
  streaming: boolean;
  /** The element the caret is written in ("P", "LI", …), or null when there is no caret. */
  inside: string | null;
  /** Blocks above the one being written. */
  blocksAbove: number;
  /** The caret's vertical centre minus the top and bottom of the last line of text before it (px). */
  belowLineTop: number;
  aboveLineBottom: number;
  /** The caret's left edge minus the end of that line's text (px). */
  rightOfText: number;
}

function readCaret(page: Page): Promise<CaretSample> {
  return page.evaluate(() => {
    const rows = document.querySelectorAll<HTMLElement>('li[data-author-kind="agent"]');
    const reply = rows[rows.length - 1];
    const caret = reply?.querySelector<HTMLElement>('[data-testid="streaming-caret"]');
    const streaming = reply?.getAttribute('data-status') === 'streaming';
    const host = caret?.parentElement;
    const blocks = [...(caret?.closest('[class*="markdown"]')?.children ?? [])];
    const blocksAbove = caret ? Math.max(0, blocks.findIndex((block) => block.contains(caret))) : 0;
    if (!caret || !host) return { streaming, inside: null, blocksAbove, belowLineTop: 0, aboveLineBottom: 0, rightOfText: 0 };
    const range = document.createRange();
    range.setStart(host, 0);
    range.setEndBefore(caret);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    if (lines.length === 0) return { streaming, inside: `${host.tagName} (empty)`, blocksAbove, belowLineTop: 0, aboveLineBottom: 0, rightOfText: 0 };
    const last = lines.reduce((a, b) => (b.bottom > a.bottom || (b.bottom === a.bottom && b.right > a.right) ? b : a));
    const box = caret.getBoundingClientRect();
    const middle = (box.top + box.bottom) / 2;
    return { streaming, inside: host.tagName, blocksAbove, belowLineTop: middle - last.top, aboveLineBottom: last.bottom - middle, rightOfText: box.left - last.right };
  });
}

it(
  'the streaming caret stays at the end of the last paragraph or list item, on its last line',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page, dialogs } = await newPerson({ viewport: { width: 900, height: 700 } });
    await startThread(page, post!);

    await sendMessage(page, 'Tell me something in a few paragraphs, please.');
    await agentMessages(page).last().and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });
    let shot = false;
    const samples = await sample(
      async () => {
        const read = await readCaret(page);
        if (!shot && read.inside === 'P' && read.blocksAbove >= 2) {
          shot = true;
          await screenshot(page, 'streaming-caret-1-streaming');
        }
        return read;
      },
      (s) => !s.streaming,
      { intervalMs: 40, timeoutMs: 45_000 },
    );

    const inParagraph = samples.filter((s) => s.streaming && s.inside === 'P');
    expect(inParagraph.length).toBeGreaterThanOrEqual(5);
    expect(shot).toBe(true); // it was seen after earlier blocks, too
    // The demo reply ends with a list: the caret follows its items (it sat on a line below the list before).
    const inListItem = samples.filter((s) => s.streaming && s.inside === 'LI');
    expect(inListItem.length).toBeGreaterThanOrEqual(2);
    const offLine = [...inParagraph, ...inListItem].filter((s) => s.belowLineTop < 0 || s.aboveLineBottom < 0 || s.rightOfText < -1);
    expect(offLine).toEqual([]);
    // Once the reply is complete, there is no caret.
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor();
    expect(await page.getByTestId('streaming-caret').count()).toBe(0);
    await screenshot(page, 'streaming-caret-2-complete');
    expect(dialogs).toEqual([]);
  }),
);
