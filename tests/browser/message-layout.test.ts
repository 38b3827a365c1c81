import { setUpBrowser } from './support/browser';
import { agentMessages, composer, messageItems, seededPosts, sendMessage, startThread } from './support/app';

/**
 * How a message's text is laid out on a phone: a wide table keeps its words whole and scrolls
 * sideways in its own box (the page itself never scrolls sideways), and a right-to-left paragraph
 * reads right to left next to a left-to-right one. And a phone keyboard's Enter makes a new line
 * (it has no Shift+Enter): the Send button sends.
 */
const browser = setUpBrowser();

const TABLE = [
  '| Day | Morning | Afternoon | Evening | Cost | Transport | Notes |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  '| Monday | Alfama walking tour | Tile museum | Fado dinner | €120 | Tram 28 | Book ahead |',
].join('\n');
const ARABIC = 'مرحبا بالجميع، كيف حالكم اليوم؟';
const MESSAGE = `${TABLE}\n\n${ARABIC}\n\nAnd this line is English.`;

it(
  'on a phone, Enter makes a new line, a wide table scrolls in its box with whole words, and Arabic reads right to left',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await startThread(page, post!);

    const { box } = composer(page);
    await box.fill('first line');
    await box.press('Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    expect(await messageItems(page).count()).toBe(0);
    await page.getByText('Enter for a new line, Send to send').waitFor({ state: 'attached' });
    // A tablet with a keyboard: Ctrl+Enter still sends.
    await box.press('Control+Enter');
    await messageItems(page).filter({ hasText: 'second line' }).waitFor();
    expect(await box.inputValue()).toBe('');
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    await sendMessage(page, MESSAGE);
    const mine = messageItems(page).filter({ hasText: 'Alfama walking tour' }).first();
    await mine.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 15_000 });
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    const layout = await mine.evaluate((item) => {
      const box = item.querySelector('table')?.parentElement;
      const headers = [...item.querySelectorAll('th')];
      const lineHeight = Number.parseFloat(getComputedStyle(headers[0]!).lineHeight);
      const paragraphs = [...item.querySelectorAll('p')].map((p) => ({ text: p.textContent, direction: getComputedStyle(p).direction }));
      return {
        // A one-word header on more than one line was broken inside the word ("D/a/y").
        headersOnOneLine: headers.every((th) => th.clientHeight < lineHeight * 1.8 + 12),
        boxScrolls: box !== null && box !== undefined && box.scrollWidth > box.clientWidth,
        pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
        paragraphs,
      };
    });
    await screenshot(page, 'message-layout-phone', { fullPage: false });
    expect(layout.headersOnOneLine).toBe(true);
    expect(layout.boxScrolls).toBe(true);
    expect(layout.pageScrollsSideways).toBe(false);
    expect(layout.paragraphs).toEqual([
      { text: ARABIC, direction: 'rtl' },
      { text: 'And this line is English.', direction: 'ltr' },
    ]);
  }),
);

it(
  'in a short window (a laptop at 200% zoom) a long-titled thread leaves the conversation room to read',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 640, height: 360 } });
    await startThread(page, post!);
    await sendMessage(page, 'Could you help me plan a three day trip to Lisbon in spring with a modest budget and lots of walking?');
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: /^Could you help me plan/ }).waitFor();
    const scrollerHeight = await page.getByTestId('message-scroll').evaluate((el) => el.clientHeight);
    await screenshot(page, 'message-layout-short-window', { fullPage: false });
    // The page header, title, voice row, panel header and message box took all but ~50 px before.
    expect(scrollerHeight).toBeGreaterThanOrEqual(100);
  }),
);

it(
  'stopping a reply from the keyboard (Tab to Stop, Enter) leaves the focus in the message box, ready to write',
  browser.test(async ({ env, newPerson }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    const { box } = composer(page);
    await sendMessage(page, 'Tell me a long story, please.');
    const reply = agentMessages(page).last();
    await reply.and(page.locator('[data-status="streaming"]')).waitFor({ timeout: 15_000 });

    await box.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stop');
    await page.keyboard.press('Enter');
    await reply.and(page.locator('[data-status="stopped"]')).waitFor({ timeout: 10_000 });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('and then?');
    expect(await box.inputValue()).toBe('and then?');
  }),
);

it(
  "a quote of Arabic has its bar on the right, and a message's heading is not a page heading",
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    // The demo agent quotes what it was sent ("Here is what you said:" and a quote).
    await sendMessage(page, `# عنوان\n\n${ARABIC}`);
    const reply = agentMessages(page).last();
    await reply.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    const quote = reply.locator('blockquote').first();
    const sides = await quote.evaluate((q) => {
      const style = getComputedStyle(q);
      return { direction: style.direction, right: style.borderRightWidth, left: style.borderLeftWidth };
    });
    await screenshot(page, 'message-layout-rtl-quote', { fullPage: false });
    expect(sides).toEqual({ direction: 'rtl', right: '3px', left: '0px' });
    // The page has one h1, its own title (named by the message, and right to left like it); the message's "#" is a heading below it.
    const title = page.getByRole('heading', { level: 1 });
    await title.filter({ hasText: 'عنوان' }).waitFor();
    expect(await title.count()).toBe(1);
    expect(await title.evaluate((h) => getComputedStyle(h).direction)).toBe('rtl');
    expect(await messageItems(page).first().getByRole('heading', { level: 3, name: 'عنوان' }).count()).toBe(1);
  }),
);

it(
  "a right-to-left item in a list keeps its bullet or number inside the bubble, beside the item's first word",
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await startThread(page, post!);
    // An English list with an item that starts with an Arabic name, and an Arabic list: each item
    // reads in its own direction (`dir="auto"`), so an Arabic item's marker is on its right.
    const text = ['Shopping list:', '', '- نور الهدى brings the bread', '- milk and eggs', '', '1. الخبز', '2. الحليب'].join('\n');
    await sendMessage(page, text);
    const mine = messageItems(page).filter({ hasText: 'milk and eggs' }).first();
    await mine.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 15_000 });

    const items = await mine.evaluate((item) => {
      const bubble = item.querySelector('[class*="bubble"]')!;
      const style = getComputedStyle(bubble);
      const bubbleBox = bubble.getBoundingClientRect();
      const contentLeft = bubbleBox.left + Number.parseFloat(style.paddingLeft);
      const contentRight = bubbleBox.right - Number.parseFloat(style.paddingRight);
      return [...item.querySelectorAll('li')].map((li) => {
        const box = li.getBoundingClientRect();
        const rtl = getComputedStyle(li).direction === 'rtl';
        // A marker is drawn outside its item, on the side the item's text starts from: the room
        // between that side and the bubble's text edge is where it shows.
        const room = rtl ? contentRight - box.right : box.left - contentLeft;
        return { text: li.textContent, rtl, roomForMarker: Math.round(room) };
      });
    });
    await screenshot(page, 'message-layout-rtl-list', { fullPage: false });
    expect(items.map((i) => [i.text, i.rtl])).toEqual([
      ['نور الهدى brings the bread', true],
      ['milk and eggs', false],
      ['الخبز', true],
      ['الحليب', true],
    ]);
    // At least a bullet's width (a 16 px font: ~10 px for "•", more for "1.").
    for (const item of items) expect({ text: item.text, room: item.roomForMarker >= 12 }).toEqual({ text: item.text, room: true });
  }),
);
