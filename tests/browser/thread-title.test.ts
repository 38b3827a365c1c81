import type { BrowserContextOptions, Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { agentMessages, conversation, seededPosts, sendMessage, startThread } from './support/app';
import { PHONE } from './support/touch';

/**
 * A new thread is named by its first message once it is stored ("Chat with Ada" becomes the start of
 * what the person wrote, up to 60 characters). On a desktop the longer title took a second line, and
 * the page head grew by ~17 px, moving the whole conversation under the person's eyes. The title
 * keeps one line, cut with an ellipsis, its full words in its accessible name and its tooltip.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });

const FIRST_MESSAGE = 'Could you help me plan a three day trip to Lisbon in spring with a modest budget and lots of walking?';

/** Where the title and the conversation are, and whether the title is cut short on its one line. */
async function titleLayout(page: Page): Promise<{ titleHeight: number; conversationTop: number; lines: number; cut: boolean }> {
  const title = page.getByRole('heading', { level: 1 });
  const box = (await title.boundingBox())!;
  const text = await title.evaluate((h1) => {
    const range = document.createRange();
    range.selectNodeContents(h1);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    return { lines, cut: h1.scrollWidth > h1.clientWidth && getComputedStyle(h1).textOverflow === 'ellipsis' };
  });
  return { titleHeight: box.height, conversationTop: (await conversation(page).boundingBox())!.y, ...text };
}

const SCREENS: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1280, height: 860 } }],
  ['phone', PHONE],
];

for (const [screen, options] of SCREENS) {
  it(
    `on a ${screen}, a thread's title does not move the conversation when the first message names it`,
    browser.test(async ({ env, newPerson, screenshot }) => {
      const [post] = await seededPosts(env);
      const { page } = await newPerson(options);
      await startThread(page, post!);
      await page.getByRole('heading', { level: 1, name: `Chat with ${post!.agent.name}` }).waitFor();
      const before = await titleLayout(page);
      await screenshot(page, `thread-title-${screen}-new`, { fullPage: false });

      await sendMessage(page, FIRST_MESSAGE);
      await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
      const heading = page.getByRole('heading', { level: 1, name: /^Could you help me plan a three day trip/ });
      await heading.waitFor();
      const after = await titleLayout(page);
      await screenshot(page, `thread-title-${screen}-named`, { fullPage: false });

      // Nothing moved: the title is as high as before, the conversation where it was.
      expect({ titleHeight: after.titleHeight, conversationTop: after.conversationTop }).toEqual({
        titleHeight: before.titleHeight,
        conversationTop: before.conversationTop,
      });
      // One line, cut with an ellipsis; the whole title is its accessible name and its tooltip.
      expect({ lines: after.lines, cut: after.cut }).toEqual({ lines: 1, cut: true });
      const name = (await heading.textContent())!;
      expect(name.length).toBeGreaterThan(40);
      expect(FIRST_MESSAGE.startsWith(name.replace(/…$/, ''))).toBe(true);
      expect(await heading.getAttribute('title')).toBe(name);
    }),
  );
}
