import type { Page } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { seededPosts, signUp, startThread, waitForConnection } from './support/app';
import { PHONE } from './support/touch';

/**
 * The narrowest phones in use (a folding phone's cover screen is 280 CSS px wide): no page scrolls
 * sideways, so nothing of it lies off screen where a reader must pan to find it. The home page's
 * card grid once asked for 280 px columns inside 20 px margins and pushed the page 20 px wide.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const FOLD = { ...PHONE, viewport: { width: 280, height: 650 } };

/** The page's overflow to the right (px), and the elements that stick out past the screen's edge. */
async function sideways(page: Page): Promise<{ overflow: number; outside: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5 && getComputedStyle(el).position !== 'fixed') {
        outside.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} (${Math.round(box.right)} px)`);
      }
    }
    return { overflow: document.documentElement.scrollWidth - width, outside: outside.slice(0, 5) };
  });
}

it(
  'on a 280 px screen no page scrolls sideways: home, post, thread, sign in and sign up',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const wide: Record<string, { overflow: number; outside: string[] }> = {};
    const check = async (page: Page, name: string): Promise<void> => {
      await screenshot(page, `narrow-screens-${name}`, { fullPage: false });
      const found = await sideways(page);
      if (found.overflow > 0) wide[name] = found;
    };

    const visitor = await newPerson(FOLD);
    await visitor.page.goto('/');
    await visitor.page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
    await check(visitor.page, 'home');
    await visitor.page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
    await visitor.page.getByRole('heading', { name: post!.title, exact: true }).waitFor();
    await waitForConnection(visitor.page);
    await check(visitor.page, 'post-visitor');
    await visitor.page.goto('/signin');
    await visitor.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await check(visitor.page, 'signin');
    await visitor.page.goto('/signup');
    await visitor.page.getByRole('button', { name: 'Sign up', exact: true }).waitFor();
    await check(visitor.page, 'signup');

    const member = await newPerson(FOLD);
    await signUp(member.page, newAccount('Fold'));
    await check(member.page, 'home-signed-in');
    await startThread(member.page, post!);
    await check(member.page, 'thread');

    expect(wide).toEqual({});
  }),
);
