import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { composer, conversation, messageItems, seededPosts, sendMessage, signUp, startThread, waitForConnection } from './support/app';

/**
 * A 390×844 phone: the conversation (not the page around it) gets the screen: a shared post
 * link opens on its messages, a thread's header stays small. The site header still says who is signed in.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** A box as the page lays it out, in viewport pixels, without scrolling the page. */
async function rect(page: Page, selector: string): Promise<{ top: number; bottom: number; left: number; right: number }> {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  });
}

it(
  'on a phone, a shared post opens on its conversation: the newest message and the composer are on the first screen; desktop keeps the agent card',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const writer = await newPerson({ viewport: PHONE });
    await signUp(writer.page, newAccount('Wren'));
    await writer.page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
    await waitForConnection(writer.page);
    const text = `Shared on a phone at ${new Date().toISOString()}`;
    await sendMessage(writer.page, text);
    await messageItems(writer.page).filter({ hasText: text }).and(writer.page.locator('[data-status="complete"]')).first().waitFor();

    // Someone opens the shared link on a phone: without scrolling, they see the newest message
    // and the box to answer in.
    await writer.page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
    await waitForConnection(writer.page);
    const newest = messageItems(writer.page).filter({ hasText: text }).first();
    await newest.waitFor();
    expect(await writer.page.evaluate(() => window.scrollY)).toBe(0);
    const row = await newest.boundingBox();
    const box = await composer(writer.page).box.boundingBox();
    // The conversation once started at y≈644 with the composer 400 px below the screen.
    expect((await conversation(writer.page).boundingBox())!.y).toBeLessThan(PHONE.height / 3);
    expect(row!.y).toBeGreaterThan(0);
    expect(row!.y + row!.height).toBeLessThanOrEqual(PHONE.height);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    await screenshot(writer.page, 'phone-layout-post-phone-light', { fullPage: false });

    // What the agent is, one tap away.
    const about = writer.page.getByText('About this agent', { exact: true });
    await about.click();
    await writer.page.getByRole('region', { name: `Agent ${post!.agent.name}` }).getByText('Instructions').waitFor();
    await screenshot(writer.page, 'phone-layout-post-phone-about-open', { fullPage: false });
    await about.click();

    await writer.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(writer.page, 'phone-layout-post-phone-dark', { fullPage: false });

    // A visitor reading along: the newest message and "Sign in to join" are on the first screen too.
    const visitor = await newPerson({ viewport: PHONE });
    await visitor.page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
    await messageItems(visitor.page).filter({ hasText: text }).first().waitFor();
    const join = await visitor.page.getByRole('link', { name: 'Sign in to join the conversation' }).boundingBox();
    expect(join!.y + join!.height).toBeLessThanOrEqual(PHONE.height);
    await screenshot(visitor.page, 'phone-layout-post-phone-visitor', { fullPage: false });

    // Desktop is unchanged: the agent card beside the conversation, no disclosure.
    const desk = await newPerson({ viewport: DESKTOP });
    await desk.page.goto(`/posts/${encodeURIComponent(post!.slug)}`);
    await desk.page.getByRole('region', { name: `Agent ${post!.agent.name}` }).getByText('Instructions').waitFor();
    expect(await desk.page.getByText('About this agent', { exact: true }).isVisible()).toBe(false);
    const card = await rect(desk.page, `[aria-label="Agent ${post!.agent.name}"]:not(details *)`);
    const panel = await conversation(desk.page).boundingBox();
    expect(card.right).toBeLessThan(panel!.x);
    await screenshot(desk.page, 'phone-layout-post-desktop-light');
    await desk.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(desk.page, 'phone-layout-post-desktop-dark');
  }),
);

it(
  'on a phone, the header shows who is signed in, cut with an ellipsis when the name is long',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson({ viewport: PHONE });
    const account = { ...newAccount('Bartholomew'), displayName: `Bartholomew Featherstonehaugh-Villiers ${randomUUID().slice(0, 4)}` };
    await signUp(page, account);
    const name = page.getByTestId('current-user');
    expect(await name.isVisible()).toBe(true);
    expect(await name.textContent()).toBe(account.displayName);
    const shown = await name.evaluate((el) => ({
      width: el.getBoundingClientRect().width,
      right: el.getBoundingClientRect().right,
      cut: el.scrollWidth > el.clientWidth,
      overflow: getComputedStyle(el).textOverflow,
    }));
    expect(shown.width).toBeGreaterThanOrEqual(48);
    expect(shown.cut).toBe(true);
    expect(shown.overflow).toBe('ellipsis');
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(shown.right).toBeLessThanOrEqual(signOut!.x);
    expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-layout-header-phone-long-name', { fullPage: false });
  }),
);

/**
 * The signed-in name as the header draws it: the letters shown before its ellipsis (measured per
 * character, as `text-overflow` draws the ellipsis over the last ones that do not fit), and
 * whether it ends before Sign out, itself inside the screen.
 */
async function shownName(page: Page): Promise<{ shown: string; beforeSignOut: boolean }> {
  const signOut = (await page.getByRole('button', { name: 'Sign out' }).boundingBox())!;
  const name = await page.getByTestId('current-user').evaluate((el) => {
    const text = el.firstChild as Text;
    const box = el.getBoundingClientRect();
    const cut = el.scrollWidth > el.clientWidth;
    const canvas = document.createElement('canvas').getContext('2d')!;
    canvas.font = getComputedStyle(el).font;
    const room = box.right - (cut ? canvas.measureText('…').width : 0) + 0.5;
    const range = document.createRange();
    range.setStart(text, 0);
    let shown = 0;
    while (shown < text.length) {
      range.setEnd(text, shown + 1);
      if (range.getBoundingClientRect().right > room) break;
      shown += 1;
    }
    return { shown: text.data.slice(0, shown), right: box.right };
  });
  return { shown: name.shown, beforeSignOut: name.right <= signOut.x && signOut.x + signOut.width <= page.viewportSize()!.width };
}

/** The header's links and buttons whose words are drawn on more than one line. */
async function wrappedHeaderControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('header a, header button')]
      .filter((control) => {
        const tops = new Set<number>();
        const walker = document.createTreeWalker(control, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
        }
        return tops.size > 1;
      })
      .map((control) => control.getAttribute('aria-label') ?? control.textContent ?? ''),
  );
}

it(
  'on a phone 390, 360 or 320 px wide, the header shows a signed-in “Alexandra Montgomery” as “Alexandra…” (320 px: “Alexan…”), and the whole name to a screen reader',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson({ viewport: { width: 320, height: 700 } });
    // Signed out there is room for the whole "Your threads"; signed in, a phone shows "Threads".
    await page.goto('/');
    const threads = page.getByRole('banner').getByRole('link', { name: 'Your threads' });
    expect(await threads.innerText()).toBe('Your threads');
    await signUp(page, { ...newAccount('Alexandra'), displayName: 'Alexandra Montgomery' });
    const shown: Record<number, string> = {};
    for (const width of [390, 360, 320]) {
      await page.setViewportSize({ width, height: 700 });
      const name = await shownName(page);
      expect(name.beforeSignOut).toBe(true);
      shown[width] = name.shown;
      await screenshot(page, `phone-layout-header-name-${width}`, { fullPage: false });
    }
    // The first name whole where there is room for it, and never less than "Alexan…": it was
    // "Alexan…" at 390 px, "Ale…" at 360 and only an ellipsis at 320.
    expect(shown).toEqual({ 390: expect.stringMatching(/^Alexandra/), 360: expect.stringMatching(/^Alexandra/), 320: expect.stringMatching(/^Alexan/) });
    expect(await threads.innerText()).toBe('Threads');
    // A screen reader reads the name whole, however little of it is drawn, and the threads link
    // by its whole name.
    const banner = await page.getByRole('banner').ariaSnapshot();
    expect(banner).toContain('Alexandra Montgomery');
    expect(banner).toContain('link "Your threads"');
  }),
);

it(
  'from a small tablet to a desktop, the header keeps its links on one line and shows the signed-in name whole when there is room',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson({ viewport: DESKTOP });
    await signUp(page, { ...newAccount('Alexandra'), displayName: 'Alexandra Montgomery' });
    // Between the phone and desktop layouts "Your threads" and "Sign out" broke onto two lines
    // beside the name (600 px), and a desktop cut the name to "Alexandra Montgo…" with room to spare.
    const wrapped: Record<number, string[]> = {};
    for (const width of [600, 700]) {
      await page.setViewportSize({ width, height: 700 });
      wrapped[width] = await wrappedHeaderControls(page);
      expect((await shownName(page)).beforeSignOut).toBe(true);
      await screenshot(page, `phone-layout-header-name-${width}`, { fullPage: false });
    }
    expect(wrapped).toEqual({ 600: [], 700: [] });
    await page.setViewportSize(DESKTOP);
    expect((await shownName(page)).shown).toBe('Alexandra Montgomery');
    await screenshot(page, 'phone-layout-header-name-1280', { fullPage: false });
  }),
);

it(
  'on a phone, a thread’s header is compact and its voice control lines up with its note',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const post = (await seededPosts(env)).find((p) => p.agent.voice_enabled);
    if (!post) throw new Error('no seeded post has voice on');
    const { page } = await newPerson({ viewport: PHONE });
    await startThread(page, post);
    const start = page.getByRole('button', { name: 'Start voice' });
    await start.waitFor();
    const header = await rect(page, 'header');
    const panel = await conversation(page).boundingBox();
    // Was 176 px between the site header and the conversation.
    expect(panel!.y - header.bottom).toBeLessThanOrEqual(150);
    // One row, starting under the title: the button, and beside it why it is disabled (they were
    // a right-aligned button over a full-width note).
    const note = await rect(page, '[data-testid="voice-unavailable"] p');
    const title = await rect(page, 'h1');
    const button = await start.boundingBox();
    expect(Math.abs(button!.x - title.left)).toBeLessThanOrEqual(1);
    expect(note.left).toBeGreaterThan(button!.x + button!.width);
    expect(Math.abs((note.top + note.bottom) / 2 - (button!.y + button!.height / 2))).toBeLessThanOrEqual(2);
    // The conversation gets most of the screen.
    expect(panel!.height).toBeGreaterThan(0.75 * (PHONE.height - header.bottom));
    await screenshot(page, 'phone-layout-thread-phone-light', { fullPage: false });
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'phone-layout-thread-phone-dark', { fullPage: false });

    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'phone-layout-thread-desktop-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'phone-layout-thread-desktop-dark');
  }),
);
