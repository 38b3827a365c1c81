import type { Page } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { conversation, messageItems, openPost, sample, seededPosts, sendMessage, signUp, waitForConnection } from './support/app';

/**
 * Scrolled up in a shared conversation while others write: "Jump to latest" says how many
 * messages arrived below ("2 new messages"), and brings the reader to them.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });

/** How far (px) the message list is scrolled from its end. */
function fromEnd(page: Page): Promise<number> {
  return conversation(page)
    .getByTestId('message-scroll')
    .evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

it(
  'counts the messages that arrived from someone else while I was scrolled up, and takes me to them',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const reader = await newPerson({ viewport: { width: 1000, height: 640 } });
    const writer = await newPerson();
    for (const [person, name] of [
      [reader, 'Rita'],
      [writer, 'Walt'],
    ] as const) {
      await signUp(person.page, newAccount(name));
      await openPost(person.page, post!);
      await waitForConnection(person.page);
    }

    // Enough to scroll: four tall messages (no @mention, so the agent stays out of it).
    const tall = Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1} of a long note.`).join('\n\n');
    for (let i = 1; i <= 4; i++) {
      await sendMessage(reader.page, `Note ${i}\n\n${tall}`);
      await messageItems(reader.page).filter({ hasText: `Note ${i}` }).and(reader.page.locator('[data-status="complete"]')).waitFor();
    }
    await reader.page.waitForTimeout(300);

    const scroll = conversation(reader.page).getByTestId('message-scroll');
    await scroll.evaluate((el) => el.scrollTo({ top: 0 }));
    const jump = conversation(reader.page).getByRole('button', { name: /Jump to latest/ });
    await jump.waitFor();
    // Nothing new yet.
    expect((await jump.innerText()).trim()).toBe('Jump to latest ↓');

    await sendMessage(writer.page, 'First news from Walt');
    await sample(() => jump.innerText(), (text) => text.trim() === '1 new message ↓', { intervalMs: 50, timeoutMs: 10_000 });
    await sendMessage(writer.page, 'Second news from Walt');
    await sample(() => jump.innerText(), (text) => text.trim() === '2 new messages ↓', { intervalMs: 50, timeoutMs: 10_000 });
    // Its name says it too, and what it does.
    await conversation(reader.page).getByRole('button', { name: '2 new messages. Jump to latest', exact: true }).waitFor();
    // The reader was left where they were reading.
    expect(await scroll.evaluate((el) => el.scrollTop)).toBeLessThan(5);
    await screenshot(reader.page, 'jump-to-latest-2-new-messages', { fullPage: false });

    await jump.click();
    await sample(() => fromEnd(reader.page), (px) => px <= 2, { intervalMs: 50, timeoutMs: 5_000 });
    await jump.waitFor({ state: 'detached' });
    await messageItems(reader.page).filter({ hasText: 'Second news from Walt' }).waitFor();
  }),
);
