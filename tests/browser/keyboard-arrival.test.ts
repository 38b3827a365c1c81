import type { Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { agentMessages, seededPosts, sendMessage, startThread } from './support/app';
import { PHONE } from './support/touch';

/**
 * Where the focus is after opening a post from the home page's card. Next's App Router (16.4)
 * leaves the focus alone on a client-side navigation: the card's link goes away with the home
 * page and the focus fell to the page's body, so a keyboard user started again from the top
 * (the skip link, the header). It lands on the post's heading instead, with the page where Next
 * scrolled it; on a touch screen, nothing is focused for the person.
 */
const browser = setUpBrowser();

/** What has the focus: the tag and its text, short. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el === null ? 'null' : `${el.tagName} ${(el.textContent ?? '').trim().slice(0, 60)}`;
  });
}

it(
  'opening a post from its card with the keyboard puts the focus on the post heading, not the page body (and back home, on its heading)',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 1280, height: 860 } });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();

    // Tab to the card's link, as a keyboard user does, and open it with Enter.
    const link = page.getByRole('link', { name: post!.title, exact: true });
    for (let i = 0; i < 30 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/posts/${encodeURIComponent(post!.slug)}`);
    const heading = page.getByRole('heading', { level: 1, name: post!.title, exact: true });
    await heading.waitFor();
    // Let the new page's effects run (the composer's, then any focus handling).
    await page.waitForFunction(() => document.activeElement !== document.body, undefined, { timeout: 5_000 }).catch(() => undefined);
    await screenshot(page, 'keyboard-arrival-post', { fullPage: false });

    expect(await focused(page)).toBe(`H1 ${post!.title}`);
    expect(await heading.evaluate((el) => el === document.activeElement && el.matches(':focus-visible'))).toBe(true);
    // Focusing it did not scroll the page away from where Next put it.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // The next Tab goes on from the heading, inside the page, not back to the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement) ?? false)).toBe(true);

    // And back home by "← All posts" with Enter: on the home page's heading, not the body.
    const back = page.getByRole('link', { name: '← All posts' });
    await back.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { level: 1, name: 'Talk to an agent' }).waitFor();
    await page.waitForFunction(() => document.activeElement !== document.body, undefined, { timeout: 5_000 }).catch(() => undefined);
    expect(await focused(page)).toBe('H1 Talk to an agent');
  }),
);

it(
  'opening one of Your threads with the keyboard puts the focus on the thread heading, not the page body',
  browser.test(async ({ env, newPerson }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 1280, height: 860 } });
    await startThread(page, post!);
    await sendMessage(page, 'A thread to come back to');
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const threadPath = new URL(page.url()).pathname;

    await page.goto('/threads');
    const row = page.getByRole('listitem').filter({ hasText: 'A thread to come back to' });
    await row.waitFor();
    await row.locator(`a[href="${threadPath}"]`).first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === threadPath);
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    await page.waitForFunction(() => document.activeElement !== document.body, undefined, { timeout: 5_000 }).catch(() => undefined);
    expect(await heading.evaluate((el) => el === document.activeElement)).toBe(true);
  }),
);

it(
  'on a touch screen, opening a post from its card does not move the focus',
  browser.test(async ({ env, newPerson }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson(PHONE);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
    await page.getByRole('link', { name: post!.title, exact: true }).tap();
    await page.waitForURL(`**/posts/${encodeURIComponent(post!.slug)}`);
    await page.getByRole('heading', { level: 1, name: post!.title, exact: true }).waitFor();
    await page.waitForTimeout(500);
    expect(await focused(page)).toMatch(/^BODY/);
  }),
);
