import type { BrowserContextOptions } from 'playwright-core';
import { setUpBrowser } from './support/browser';
import { seededPosts } from './support/app';
import { PHONE } from './support/touch';

/**
 * The home page's post cards show each post's description whole. They were cut at three lines,
 * which hid what a post is for: Echo's ended "…press "Start voice". Text wor…" on a phone, and at
 * 320 px Marco's lost "and pace". And their padding is even: as much room under the agent line as
 * over the title.
 */
const browser = setUpBrowser();

const SCREENS: [string, BrowserContextOptions][] = [
  ['desktop', { viewport: { width: 1280, height: 860 } }],
  ['laptop', { viewport: { width: 1024, height: 768 } }],
  ['phone', PHONE],
  ['small phone', { ...PHONE, viewport: { width: 320, height: 700 } }],
];

for (const [screen, options] of SCREENS) {
  it(
    `on a ${screen}, every post card shows its description whole`,
    browser.test(async ({ env, newPerson, screenshot }) => {
      const posts = await seededPosts(env);
      const { page } = await newPerson(options);
      await page.goto('/');
      await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
      await screenshot(page, `home-cards-${screen.replace(' ', '-')}`);

      const cut: string[] = [];
      for (const post of posts) {
        const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: post.title, exact: true }) });
        const description = card.getByText(post.description, { exact: true });
        // Every line of it is drawn: none hidden below the box, the last word inside it.
        const whole = await description.evaluate((p) => {
          const range = document.createRange();
          range.selectNodeContents(p);
          const last = [...range.getClientRects()].at(-1)!;
          const box = p.getBoundingClientRect();
          return p.scrollHeight <= p.clientHeight && last.bottom <= box.bottom + 0.5 && last.right <= box.right + 0.5;
        });
        if (!whole) cut.push(post.title);
      }
      expect(cut).toEqual([]);
    }),
  );
}

for (const [screen, options] of SCREENS) {
  it(
    `on a ${screen}, every post card has as much room under its agent line as over its title`,
    browser.test(async ({ env, newPerson }) => {
      const posts = await seededPosts(env);
      const { page } = await newPerson(options);
      await page.goto('/');
      await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();

      const uneven: Record<string, { overTitle: number; underAgent: number }> = {};
      for (const post of posts) {
        const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: post.title, exact: true }) });
        const box = (await card.boundingBox())!;
        const title = (await card.getByRole('heading', { name: post.title, exact: true }).boundingBox())!;
        // The agent line: the agent's name beside its avatar (the line is as tall as the avatar).
        const agentLine = (await card.getByText(post.agent.name, { exact: true }).locator('xpath=..').boundingBox())!;
        const overTitle = Math.round(title.y - box.y);
        const underAgent = Math.round(box.y + box.height - (agentLine.y + agentLine.height));
        // It was 35 px under the agent line (the paragraph's default margin) against 21 over the title.
        if (Math.abs(overTitle - underAgent) > 1) uneven[post.title] = { overTitle, underAgent };
      }
      expect(uneven).toEqual({});
    }),
  );
}
