import { setUpBrowser } from './support/browser';
import { agentMessages, composer, conversation, messageItems, seededPosts, sendMessage, startThread } from './support/app';

/** What people see of their own messages: always in view when sent, never wider than the conversation. */
const browser = setUpBrowser({ timeoutMs: 120_000 });

const LONG_CODE_LINE = `const x = "${'and on '.repeat(30)}";`;

it.each([
  ['desktop', { width: 1280, height: 860 }],
  ['phone', { width: 390, height: 844 }],
])(
  'on a %s, my message with a long code line stays inside the conversation and the code scrolls sideways',
  (name, viewport) =>
    browser.test(async ({ env, newPerson, screenshot }) => {
      const [post] = await seededPosts(env);
      const { page } = await newPerson({ viewport });
      await startThread(page, post!);
      await sendMessage(page, `Here is code:\n\n\`\`\`\n${LONG_CODE_LINE}\n\`\`\``);
      const mine = messageItems(page).filter({ hasText: 'Here is code:' });
      await mine.waitFor();

      const scroller = await conversation(page).getByTestId('message-scroll').boundingBox();
      const bubble = await mine.locator('pre').evaluate((pre) => {
        const bubbleBox = (pre.closest('[class*="bubble"]') ?? pre).getBoundingClientRect();
        return { left: bubbleBox.left, right: bubbleBox.right, preScrolls: pre.scrollWidth > pre.clientWidth };
      });
      await screenshot(page, `own-messages-long-code-${name}`);
      expect(scroller).not.toBeNull();
      // The bubble's left edge was ~700 px left of the conversation before (its start cut off).
      expect(bubble.left).toBeGreaterThanOrEqual(scroller!.x);
      expect(bubble.right).toBeLessThanOrEqual(scroller!.x + scroller!.width + 0.5);
      expect(bubble.preScrolls).toBe(true);
    })(),
);

it(
  'sending while scrolled up to older messages brings me to the message I sent',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson({ viewport: { width: 1280, height: 700 } });
    await startThread(page, post!);
    // The demo agent's replies are long: three exchanges make a conversation taller than the view.
    for (let i = 1; i <= 3; i++) {
      await sendMessage(page, `Filling the thread, message ${i}`);
      await agentMessages(page).nth(i - 1).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    }
    const scroll = conversation(page).getByTestId('message-scroll');
    await scroll.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByRole('button', { name: /Jump to latest/ }).waitFor();

    await sendMessage(page, 'Sent while reading the top');
    const sent = messageItems(page).filter({ hasText: 'Sent while reading the top' });
    await sent.waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'own-messages-sent-while-scrolled-up');
    const view = await scroll.boundingBox();
    const row = await sent.boundingBox();
    expect(view).not.toBeNull();
    expect(row).not.toBeNull();
    expect(row!.y).toBeGreaterThanOrEqual(view!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(view!.y + view!.height + 1);
  }),
);

it(
  "shows when each message was written, in the reader's time zone, also in the page the server rendered",
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const timeZone = 'Asia/Tokyo';
    const { page } = await newPerson({ timezoneId: timeZone, locale: 'en-US' });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await startThread(page, post!);
    await sendMessage(page, 'What time is it?');
    await agentMessages(page).and(page.locator('[data-status="complete"]')).first().waitFor({ timeout: 30_000 });
    // Reloaded: these rows now come in the server's HTML and are hydrated.
    // The server knows no reader's time zone: its HTML leaves the times empty (not UTC's clock).
    const html = await (await page.context().request.get(page.url())).text();
    const serverTimes = [...html.matchAll(/<time[^>]*>([^<]*)<\/time>/g)].map((m) => m[1]);
    expect(serverTimes).toEqual(['', '']);
    await page.reload();
    await agentMessages(page).first().waitFor();
    const times = await messageItems(page)
      .locator('time')
      .evaluateAll((nodes) => nodes.map((n) => ({ text: n.textContent ?? '', dateTime: n.getAttribute('datetime') ?? '', title: n.getAttribute('title') ?? '' })));
    await screenshot(page, 'own-messages-times');

    expect(times).toHaveLength(2);
    for (const time of times) {
      // Written today: the clock alone, as a reader in Tokyo reads it (the servers run in UTC).
      const expected = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(new Date(time.dateTime));
      expect(time.text).toBe(expected);
      expect(time.title).toMatch(/\d{4} at /);
    }
    expect(problems).toEqual([]);
  }),
);

it(
  'keeps the line breaks I typed with Shift+Enter, in my message and in the reply quoting it',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    const box = composer(page).box;
    await box.click();
    for (const [i, line] of ['Roses are red,', 'Violets are blue,', '- a list item', '  - nested under it'].entries()) {
      if (i > 0) await page.keyboard.press('Shift+Enter');
      await page.keyboard.type(line);
    }
    await page.keyboard.press('Enter');
    const mine = messageItems(page).filter({ hasText: 'Roses are red' });
    await mine.waitFor();
    const reply = agentMessages(page).and(page.locator('[data-status="complete"]')).first();
    await reply.waitFor({ timeout: 30_000 });
    await screenshot(page, 'own-messages-line-breaks');

    // innerText follows what is on screen: a newline where the text breaks, a space where it flows on.
    expect(await mine.locator('p').first().innerText()).toBe('Roses are red,\nViolets are blue,');
    expect(await reply.locator('blockquote p').first().innerText()).toBe('Roses are red,\nViolets are blue,');
    // A nested list right after an item's text adds no empty line between them.
    const item = await mine.locator('li').first().evaluate((li) => {
      const lineHeight = parseFloat(getComputedStyle(li).lineHeight);
      const nested = li.querySelector('ul')!.getBoundingClientRect().top - li.getBoundingClientRect().top;
      return { lineHeight, nested };
    });
    expect(item.nested).toBeLessThan(item.lineHeight * 1.5);
  }),
);

it(
  'copies a code block with its Copy button',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page, context } = await newPerson();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await startThread(page, post!);
    const code = 'npm ci\nnpm start -- --port 3000';
    await sendMessage(page, `Run:\n\n\`\`\`sh\n${code}\n\`\`\``);
    const mine = messageItems(page).filter({ hasText: 'Run:' });
    await mine.locator('pre').waitFor();
    await mine.getByRole('button', { name: 'Copy' }).click();
    await mine.getByRole('button', { name: 'Copied' }).waitFor();
    await screenshot(page, 'own-messages-code-copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

    // A whole finished reply copies as it was written (markdown), from the Copy under it.
    const reply = agentMessages(page).last();
    await reply.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });
    await reply.getByRole('button', { name: 'Copy reply' }).click();
    await reply.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('**Ada**');
    expect(copied).toContain('npm start -- --port 3000');
  }),
);
