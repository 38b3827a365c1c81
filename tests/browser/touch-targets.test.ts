import type { Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { composer, conversation, seededPosts, sendMessage, startThread } from './support/app';

/**
 * On a phone the composer's buttons are touch targets of at least 44×44 px (WCAG 2.5.5, Apple's
 * and Google's guidance): Stop was a 34 px icon beside the message box. On a desktop they keep
 * their compact look.
 */
const browser = setUpBrowser({ timeoutMs: 90_000 });

const TOUCH_TARGET_PX = 44;

async function streamAReply(page: Page): Promise<void> {
  await sendMessage(page, 'Tell me something in a few paragraphs, please.');
  await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
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
