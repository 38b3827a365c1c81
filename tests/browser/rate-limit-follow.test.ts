import { setUpBrowser } from './support/browser';
import { composer, conversation, seededPosts, startThread } from './support/app';

/**
 * A guest sends a burst of messages in a private thread: the 11th within a minute is refused and
 * "You're sending messages too fast" appears above the composer, which makes the message list's
 * view shorter. A reader who was at the end must stay there while the agent's replies stream in,
 * with no "Jump to latest" (they never scrolled), and the banner must not cover the last message.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const LEEWAY_PX = 40;

it(
  'a reader at the end stays at the end when the rate-limit banner appears, while replies stream',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);

    const { box } = composer(page);
    for (let i = 1; i <= 11; i += 1) {
      await box.fill(`burst ${i}`);
      await box.press('Enter');
      await page.waitForTimeout(120);
    }
    const alert = conversation(page).getByRole('alert').filter({ hasText: "You're sending messages too fast" });
    await alert.waitFor({ timeout: 10_000 });

    const view = () =>
      page.evaluate(async () => {
        // Read just after a frame (its layout, resize observers and paint): between a new row's
        // layout and that frame, the view is behind by the row for a moment, as drawn by no frame.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroll"]')!;
        const rows = scroller.querySelectorAll('li[data-status]');
        const last = rows[rows.length - 1]!.getBoundingClientRect();
        const banner = document.querySelector('[role="alert"]')?.getBoundingClientRect() ?? null;
        return {
          fromEnd: Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight),
          lastBelowView: Math.round(last.bottom - scroller.getBoundingClientRect().bottom),
          // The banner takes room of its own: the last row ends above it.
          lastUnderBanner: banner ? Math.round(last.bottom - banner.top) : null,
          jump: document.querySelector('button[aria-label*="Jump to latest"]') !== null,
        };
      });

    // The agent's replies stream for a while: the view must follow them the whole time.
    const seen: Awaited<ReturnType<typeof view>>[] = [];
    for (let i = 0; i < 24; i += 1) {
      seen.push(await view());
      if (i === 4) await screenshot(page, 'rate-limit-follow-banner', { fullPage: false });
      await page.waitForTimeout(250);
    }
    await screenshot(page, 'rate-limit-follow-later', { fullPage: false });
    expect(await alert.count()).toBe(1);
    // A token may still land between that frame and the reading: a line's leeway.
    const lost = seen.filter((v) => v.jump || v.fromEnd > LEEWAY_PX || v.lastBelowView > LEEWAY_PX || (v.lastUnderBanner ?? 0) > LEEWAY_PX);
    expect(lost).toEqual([]);
  }),
);
