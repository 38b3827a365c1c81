import type { Locator, Page } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { agentMessages, conversation, messageItems, openPost, seededPosts, sendMessage, signUp, startThread, waitForConnection } from './support/app';

/**
 * Messages written one after another by the same author group as in chat apps: the first shows
 * the avatar and the name line, the next ones only their text, closer together, aligned with the
 * first. Screen readers still hear who wrote each one.
 */
const browser = setUpBrowser({ timeoutMs: 150_000 });

/** What of a row a sighted reader sees: an avatar (its initial), a name, and where its text starts. */
async function shownParts(row: Locator, name: string): Promise<{ avatar: boolean; name: boolean; textLeft: number; textRight: number; top: number; bottom: number }> {
  return row.evaluate((li, name) => {
    const shown = (el: Element): boolean => {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) return false; // sr-only
      for (let e: Element | null = el; e && e !== li.parentElement; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
      }
      return true;
    };
    const all = [...li.querySelectorAll('*')];
    const text = li.querySelector('p');
    const textBox = (text?.closest('[class*="bubble"]') ?? text)?.getBoundingClientRect();
    // Where the row's content starts and ends (a group's first row has its space above inside it).
    const parts = [...li.children].map((child) => child.getBoundingClientRect());
    return {
      avatar: all.some((el) => el.getAttribute('aria-hidden') === 'true' && el.textContent === name.charAt(0).toUpperCase() && shown(el)),
      // The name line, not the message's text (the demo agent's replies name the agent and the asker).
      name: all.some((el) => el.textContent === name && el.children.length === 0 && !el.closest('[class*="bubble"]') && shown(el)),
      textLeft: textBox?.left ?? Number.NaN,
      textRight: textBox?.right ?? Number.NaN,
      top: Math.min(...parts.map((box) => box.top)),
      bottom: Math.max(...parts.map((box) => box.bottom)),
    };
  }, name);
}

function row(page: Page, text: string): Locator {
  return messageItems(page).filter({ hasText: text });
}

async function waitForStatus(row: Locator, page: Page, status: string): Promise<void> {
  await row.and(page.locator(`[data-status="${status}"]`)).waitFor({ timeout: 30_000 });
}

it(
  'two messages in a row from one person show their name and avatar once, on the desktop and on a phone',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const posts = await seededPosts(env);
    // Not the first post, which most other tests write in at the same time.
    const post = posts.find((p) => p.agent.handle === 'sophie') ?? posts[posts.length - 1]!;
    const agentName = post.agent.name;
    const nora = await newPerson();
    const ben = await newPerson();
    const noraAccount = newAccount('Nora');
    await signUp(nora.page, noraAccount);
    await signUp(ben.page, newAccount('Ben'));
    await openPost(nora.page, post);
    await openPost(ben.page, post);
    await Promise.all([waitForConnection(nora.page), waitForConnection(ben.page)]);

    const run = Date.now().toString(36);
    const first = `First thought ${run}: I am planning a trip.`;
    const second = `@${post.agent.handle} second thought ${run}: where should I start?`;
    await sendMessage(nora.page, first);
    await waitForStatus(row(nora.page, first), nora.page, 'complete');
    await sendMessage(nora.page, second);
    await waitForStatus(row(nora.page, second), nora.page, 'complete');
    const reply = agentMessages(ben.page).last();
    await waitForStatus(reply, ben.page, 'complete');

    // Ben reads along: Nora's name and avatar on her first message only.
    const benFirst = await shownParts(row(ben.page, first), noraAccount.displayName);
    const benSecond = await shownParts(row(ben.page, second), noraAccount.displayName);
    const replyParts = await shownParts(reply, agentName);
    await screenshot(ben.page, 'message-groups-1-theirs-desktop', { fullPage: false });
    expect(benFirst).toMatchObject({ avatar: true, name: true });
    expect(benSecond).toMatchObject({ avatar: false, name: false });
    expect(replyParts).toMatchObject({ avatar: true, name: true });
    // Its text starts where the first one's does, and it sits closer to it than the reply to it.
    expect(Math.abs(benSecond.textLeft - benFirst.textLeft)).toBeLessThanOrEqual(1);
    expect(benSecond.top - benFirst.bottom).toBeLessThanOrEqual(8);
    expect(replyParts.top - benSecond.bottom).toBeGreaterThanOrEqual(16);
    // Screen readers still hear who wrote it.
    expect(await row(ben.page, second).ariaSnapshot()).toContain(noraAccount.displayName);
    // Its time shows while it is hovered.
    await row(ben.page, second).hover();
    const time = row(ben.page, second).locator('time');
    expect(await time.evaluate((t) => getComputedStyle(t.parentElement!).opacity)).toBe('1');
    expect(await time.textContent()).toMatch(/\d/);
    await screenshot(ben.page, 'message-groups-2-theirs-hover', { fullPage: false });

    // Nora's own messages group the same way on her side: right edges aligned, close together.
    const noraFirst = await shownParts(row(nora.page, first), noraAccount.displayName);
    const noraSecond = await shownParts(row(nora.page, second), noraAccount.displayName);
    await screenshot(nora.page, 'message-groups-3-mine-desktop', { fullPage: false });
    expect(Math.abs(noraSecond.textRight - noraFirst.textRight)).toBeLessThanOrEqual(1);
    expect(noraSecond.top - noraFirst.bottom).toBeLessThanOrEqual(8);
    expect(await row(nora.page, second).ariaSnapshot()).toContain('You');

    // On a phone, the same (a visitor reading the post).
    const visitor = await newPerson({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await openPost(visitor.page, post);
    await row(visitor.page, second).waitFor();
    await row(visitor.page, second).scrollIntoViewIfNeeded();
    const phoneFirst = await shownParts(row(visitor.page, first), noraAccount.displayName);
    const phoneSecond = await shownParts(row(visitor.page, second), noraAccount.displayName);
    await screenshot(visitor.page, 'message-groups-4-theirs-phone', { fullPage: false });
    expect(phoneFirst).toMatchObject({ avatar: true, name: true });
    expect(phoneSecond).toMatchObject({ avatar: false, name: false });
    expect(Math.abs(phoneSecond.textLeft - phoneFirst.textLeft)).toBeLessThanOrEqual(1);
    // A touch screen has no pointer to hover with: a tap on the text shows its time, on the screen
    // (Chromium's hover after a tap came in some runs only); a tap elsewhere hides it.
    const phoneTime = row(visitor.page, second).locator('time');
    // The opacity the time's line reaches within 2 s (hover follows a tap a frame or so later).
    const timeOpacityBecomes = (want: string): Promise<string> =>
      phoneTime.evaluate(
        (t, want) =>
          new Promise<string>((resolve) => {
            const until = performance.now() + 2_000;
            const check = (): void => {
              const opacity = getComputedStyle(t.parentElement!).opacity;
              if (opacity === want || performance.now() > until) resolve(opacity);
              else requestAnimationFrame(check);
            };
            check();
          }),
        want,
      );
    expect(await timeOpacityBecomes('0')).toBe('0');
    await row(visitor.page, second).locator('p').first().tap();
    expect(await timeOpacityBecomes('1')).toBe('1');
    const timeBox = await phoneTime.boundingBox();
    expect(timeBox!.x).toBeGreaterThanOrEqual(0);
    expect(timeBox!.x + timeBox!.width).toBeLessThanOrEqual(390);
    await screenshot(visitor.page, 'message-groups-4b-theirs-phone-tapped', { fullPage: false });
    await visitor.page.getByRole('heading', { level: 1 }).first().tap();
    expect(await timeOpacityBecomes('0')).toBe('0');
  }),
);

it(
  'a reply tried again after Stop groups under the stopped one, which keeps its "Stopped" note',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    await sendMessage(page, 'Tell me a long story, please.');
    const stopped = agentMessages(page).last();
    await waitForStatus(stopped, page, 'streaming');
    await conversation(page).getByRole('button', { name: 'Stop' }).click();
    await waitForStatus(stopped, page, 'stopped');
    await stopped.getByRole('button', { name: 'Try again' }).click();
    const stoppedRow = agentMessages(page).and(page.locator('[data-status="stopped"]'));
    const retried = agentMessages(page).and(page.locator('[data-status="complete"]'));
    await retried.waitFor({ timeout: 30_000 });
    await retried.getByRole('button', { name: 'Copy reply' }).waitFor();
    await stoppedRow.getByText('Stopped').waitFor();

    const name = post!.agent.name;
    const question = await shownParts(messageItems(page).first(), 'You');
    const before = await shownParts(stoppedRow, name);
    const after = await shownParts(retried, name);
    await screenshot(page, 'message-groups-5-stopped-and-retried-desktop', { fullPage: false });
    expect(before).toMatchObject({ avatar: true, name: true });
    expect(after).toMatchObject({ avatar: false, name: false });
    expect(Math.abs(after.textLeft - before.textLeft)).toBeLessThanOrEqual(1);
    // Closer to the stopped reply than that reply is to the question it answers.
    expect(after.top - before.bottom).toBeLessThan(before.top - question.bottom - 4);
    expect(await retried.ariaSnapshot()).toContain(name);

    await page.setViewportSize({ width: 390, height: 844 });
    await stoppedRow.evaluate((row) => row.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'message-groups-6-stopped-and-retried-phone', { fullPage: false });
    const phoneBefore = await shownParts(stoppedRow, name);
    const phoneAfter = await shownParts(retried, name);
    expect(phoneBefore).toMatchObject({ avatar: true, name: true });
    expect(phoneAfter).toMatchObject({ avatar: false, name: false });
  }),
);
