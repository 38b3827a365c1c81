import type { Page } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { signUp } from './support/app';

/**
 * The header's signed-in name, cut with an ellipsis when there is no room, is cut at its end in
 * its own direction: an Arabic or Hebrew name shows its first words (on the right) and the
 * ellipsis at its left. It inherited left to right: "…مي القرشي", the end of the name, at 320 px.
 * And an error of "Sign out" stays out of the header's row: at 390 px it was put beside the name,
 * overflowed the header, was cut off at the top and squeezed the name to one letter.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });

const NAMES = [
  { language: 'Arabic', name: 'عبد الرحمن بن محمد بن عبد الله الهاشمي القرشي' },
  { language: 'Hebrew', name: 'אברהם יהושע בן דוד הלוי מירושלים עיר הקודש' },
];

/** Whether the name's first and last characters are drawn inside the name's box, and its direction. */
async function nameEnds(page: Page): Promise<{ direction: string; firstShown: boolean; lastShown: boolean; width: number }> {
  return page.getByTestId('current-user').evaluate((element) => {
    const box = element.getBoundingClientRect();
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node instanceof Text && node.data.trim() !== '') texts.push(node);
    const inside = (text: Text, offset: number): boolean => {
      const range = document.createRange();
      range.setStart(text, offset);
      range.setEnd(text, offset + 1);
      const r = range.getBoundingClientRect();
      return r.width > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
    };
    const first = texts[0]!;
    const last = texts[texts.length - 1]!;
    return {
      direction: getComputedStyle(element).direction,
      firstShown: inside(first, 0),
      lastShown: inside(last, last.data.length - 1),
      width: box.width,
    };
  });
}

for (const { language, name } of NAMES) {
  it(
    `a long ${language} name in the header shows its start, with the ellipsis at its end, at 320 px`,
    browser.test(async ({ newPerson, screenshot }) => {
      const { page } = await newPerson({ viewport: { width: 320, height: 640 } });
      await signUp(page, { ...newAccount('long rtl name'), displayName: name });
      await page.goto('/');
      await page.getByTestId('current-user').waitFor();
      const ends = await nameEnds(page);
      await screenshot(page, `header-name-${language.toLowerCase()}-320`, { fullPage: false });
      expect(ends.direction).toBe('rtl');
      // Cut (the name is longer than the room), at its end: the first letters are on screen.
      expect(ends.lastShown).toBe(false);
      expect(ends.firstShown).toBe(true);
      expect(ends.width).toBeGreaterThan(30);
    }),
  );
}

it(
  'a failed sign out says so below the header at 390 px, leaving the header and the name as they were',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson({ viewport: { width: 390, height: 844 } });
    await signUp(page, { ...newAccount('outage'), displayName: 'Alexandra Montgomery' });
    await page.goto('/');
    const header = page.locator('header').first();
    const name = page.getByTestId('current-user');
    await name.waitFor();
    const headerBefore = (await header.boundingBox())!;
    const nameBefore = (await name.boundingBox())!;

    // The web server cannot be reached (offline, or the request cut): the one error "Sign out" can still show.
    await page.route('**/api/auth/signout', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /reach/i });
    await alert.waitFor();
    await screenshot(page, 'header-sign-out-error-390', { fullPage: false });

    const headerAfter = (await header.boundingBox())!;
    const nameAfter = (await name.boundingBox())!;
    const alertBox = (await alert.boundingBox())!;
    expect(headerAfter.height).toBe(headerBefore.height);
    expect(nameAfter.width).toBeCloseTo(nameBefore.width, 0);
    // Whole on the screen, under the header's row, not in it.
    expect(alertBox.y).toBeGreaterThanOrEqual(headerAfter.y + headerAfter.height - 1);
    expect(alertBox.x).toBeGreaterThanOrEqual(0);
    expect(alertBox.x + alertBox.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Once the server answers again, signing out works.
    await page.unroute('**/api/auth/signout');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
  }),
);
