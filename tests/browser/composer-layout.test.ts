import type { Locator } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { composer, conversation, openPost, sample, seededPosts, sendMessage, signUp, startThread, waitForConnection } from './support/app';
import { PHONE } from './support/touch';

/**
 * The message box on a phone: one line while empty, whatever its hint says and whatever sits
 * beside it; most of the row's width, and a placeholder that fits in it, also beside a touch
 * screen's larger Stop and Send and on a 320 px phone.
 */
const browser = setUpBrowser();

/** The box's width, its placeholder's and the room for it, and the width of the buttons beside it. */
async function widths(box: Locator): Promise<{ box: number; placeholder: number; room: number; actions: number; text: string }> {
  return box.evaluate((el) => {
    const area = el as HTMLTextAreaElement;
    const style = getComputedStyle(area);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = style.font;
    const actions = area.parentElement!.lastElementChild!.getBoundingClientRect();
    return {
      box: area.getBoundingClientRect().width,
      placeholder: context.measureText(area.placeholder).width,
      room: area.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      actions: actions.width,
      text: area.placeholder,
    };
  });
}

it(
  'on a phone, the post page fits the screen and its empty message box stays one line high while a reply streams and Stop shows beside it',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const posts = await seededPosts(env);
    const post = posts[0]!;
    const { page } = await newPerson({ viewport: { width: 390, height: 844 } });
    await signUp(page, newAccount('Pia'));
    await openPost(page, post);
    await waitForConnection(page);
    const { box } = composer(page);
    const emptyHeight = (await box.boundingBox())!.height;
    // The placeholder is whole (it was cut: "Message everyone — mentic…"), and Send leaves the
    // box most of the row (it took a width of 35% of the box's).
    const idle = await widths(box);
    expect(idle.text).toContain(`@${post.agent.handle}`);
    expect(idle.placeholder).toBeLessThanOrEqual(idle.room);
    expect(idle.actions).toBeLessThanOrEqual(0.25 * idle.box);

    await sendMessage(page, `@${post.agent.handle} tell me something long`);
    await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
    const whileStreaming = (await box.boundingBox())!.height;
    await screenshot(page, 'composer-layout-phone-streaming', { fullPage: false });
    const streaming = await widths(box);
    expect(streaming.placeholder).toBeLessThanOrEqual(streaming.room);
    expect(streaming.actions).toBeLessThanOrEqual(0.5 * streaming.box); // was over 100%
    // Nothing on the page is wider than the phone (the post page's column once was, by 30 px).
    const tooWide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    );
    expect(tooWide).toEqual([]);

    // One line: the box's line height (1.5em) and its padding, nowhere near the five lines of the long hint.
    const lineHeight = await box.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect(whileStreaming).toBeLessThan(2 * lineHeight + 12);
    expect(whileStreaming).toBeCloseTo(emptyHeight, 0);

    // On a wide screen the placeholder says it all again.
    await page.setViewportSize({ width: 1280, height: 800 });
    await sample(() => widths(box), (w) => w.text === `Message everyone — mention @${post.agent.handle} to ask ${post.agent.name}`, { intervalMs: 50, timeoutMs: 3_000 });
  }),
);

for (const width of [390, 320]) {
  it(
    `on a ${width} px touch phone, while a reply streams and Stop shows, the placeholder is whole in the box (a post's and a thread's)`,
    browser.test(async ({ env, newPerson, screenshot }) => {
      const post = (await seededPosts(env))[1]!;
      // A finger's phone: Stop and Send are 44 px touch targets there, wider than with a mouse.
      const { page } = await newPerson({ ...PHONE, viewport: { width, height: 844 } });
      await signUp(page, newAccount('Tia'));
      await openPost(page, post);
      await waitForConnection(page);
      // Found by its accessible name, whatever the placeholder says.
      const { box } = composer(page);
      const idle = await widths(box);
      await sendMessage(page, `@${post.agent.handle} tell me something long`);
      await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
      await screenshot(page, `composer-layout-${width}-touch-post-streaming`, { fullPage: false });
      const streaming = await widths(box);
      // It still says how to ask the agent: "Message all, or ask @marco" was cut to "…ask @marc".
      expect(streaming.text).toContain(`@${post.agent.handle}`);
      expect({ idle: idle.placeholder <= idle.room, streaming: streaming.placeholder <= streaming.room }).toEqual({ idle: true, streaming: true });

      await startThread(page, post);
      await sendMessage(page, 'Tell me something long');
      await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
      await screenshot(page, `composer-layout-${width}-touch-thread-streaming`, { fullPage: false });
      const inThread = await widths(composer(page).box);
      expect(inThread.text).toBe(`Message ${post.agent.name}`);
      expect(inThread.placeholder).toBeLessThanOrEqual(inThread.room);
    }),
  );
}
