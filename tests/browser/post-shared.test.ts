import { newAccount, setUpBrowser } from './support/browser';
import { composer, conversation, messageItems, openPost, seededPosts, signUp, waitForConnection } from './support/app';

/**
 * Two signed-up people in a post's shared conversation: what one types and sends, the other sees
 * live (the typing indicator, then the message). A visitor can read along but not write.
 */
const browser = setUpBrowser();

it(
  'a signed-up user chats in a post while another user sees the typing indicator and the message live',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const nora = await newPerson();
    const ben = await newPerson();
    const noraAccount = newAccount('Nora');
    await signUp(nora.page, noraAccount);
    await signUp(ben.page, newAccount('Ben'));

    await openPost(ben.page, post!);
    await openPost(nora.page, post!);
    await Promise.all([waitForConnection(nora.page), waitForConnection(ben.page)]);

    // Nora types: Ben sees "<Nora> is typing…".
    const text = `Hello from Nora, the time is ${new Date().toISOString()}`;
    const { box, send } = composer(nora.page);
    await box.pressSequentially(text.slice(0, 12), { delay: 40 });
    const typing = ben.page.getByRole('status').filter({ hasText: `${noraAccount.displayName} is typing` });
    await typing.waitFor({ timeout: 10_000 });
    await screenshot(ben.page, 'post-shared-1-ben-sees-typing');
    // Nora never sees herself typing.
    expect(await nora.page.getByRole('status').filter({ hasText: 'is typing' }).count()).toBe(0);

    await box.fill(text);
    await send.click();

    // Ben sees the message, authored by a user, and the typing indicator goes away.
    const onBen = messageItems(ben.page).filter({ hasText: text });
    await onBen.waitFor({ timeout: 10_000 });
    expect(await onBen.getAttribute('data-author-kind')).toBe('user');
    expect(await onBen.textContent()).toContain(noraAccount.displayName);
    await typing.waitFor({ state: 'detached', timeout: 8_000 });
    await messageItems(nora.page).filter({ hasText: text }).waitFor();
    // Screen readers hear it too (a polite live region); Nora is not told her own message.
    expect(await ben.page.getByTestId('announcer').textContent()).toBe(`${noraAccount.displayName} said: ${text}`);
    expect(await nora.page.getByTestId('announcer').textContent()).not.toContain(text);
    await screenshot(nora.page, 'post-shared-2-nora-sent');
    await screenshot(ben.page, 'post-shared-3-ben-received');

    // A visitor reads the same conversation but is asked to sign in instead of a composer.
    const visitor = await newPerson();
    await openPost(visitor.page, post!);
    await messageItems(visitor.page).filter({ hasText: text }).waitFor();
    await visitor.page.getByText('Sign in to join the conversation').first().waitFor();
    expect(await conversation(visitor.page).getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await screenshot(visitor.page, 'post-shared-4-visitor-reads');
  }),
);

it(
  'each person sees, under the title, who else has the post open, and sees them leave',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const posts = await seededPosts(env);
    const post = posts.find((p) => p.slug === 'travel-planner') ?? posts[posts.length - 1]!;
    const nell = await newPerson();
    const otto = await newPerson({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    // Names that sort first: the line names three people, by name, and other tests come and go here.
    const nellAccount = newAccount('Aaa Nell');
    const ottoAccount = newAccount('Aab Otto');
    await signUp(nell.page, nellAccount);
    await signUp(otto.page, ottoAccount);
    await openPost(nell.page, post);
    await openPost(otto.page, post);
    await Promise.all([waitForConnection(nell.page), waitForConnection(otto.page)]);

    const onNell = nell.page.getByTestId('presence');
    await onNell.filter({ hasText: ottoAccount.displayName }).waitFor({ timeout: 10_000 });
    expect(await onNell.textContent()).toMatch(/^Here now: /);
    expect(await onNell.textContent()).not.toContain(nellAccount.displayName);
    const onOtto = otto.page.getByTestId('presence');
    await onOtto.filter({ hasText: nellAccount.displayName }).waitFor({ timeout: 10_000 });
    // On a phone it stays inside the conversation's head, beside the connection state.
    const head = await otto.page.locator('section[aria-label="Conversation"] header').boundingBox();
    const line = await onOtto.boundingBox();
    expect(line!.x + line!.width).toBeLessThanOrEqual(head!.x + head!.width);
    expect(line!.y + line!.height).toBeLessThanOrEqual(head!.y + head!.height);
    await screenshot(nell.page, 'post-shared-5-presence-desktop', { fullPage: false });
    await screenshot(otto.page, 'post-shared-6-presence-phone', { fullPage: false });

    // Someone with a long name types: on the phone "… is typing" takes two lines, and the second
    // one is not left under the composer (the view follows the indicator as it grows).
    const long = await newPerson();
    const longAccount = newAccount('Bartholomew Konstantin Featherstonehaugh');
    await signUp(long.page, longAccount);
    await openPost(long.page, post);
    await waitForConnection(long.page);
    // Enough lines that the phone's view scrolls, and follows the end.
    const lines = Array.from({ length: 8 }, (_, i) => `Line ${i + 1} of a long note`).join('\n');
    for (const n of [1, 2, 3]) {
      await composer(long.page).box.fill(`${n}: ${lines}`);
      await composer(long.page).send.click();
      await messageItems(otto.page).filter({ hasText: `${n}: Line 1` }).waitFor({ timeout: 10_000 });
    }
    // Otto opens the page on them (as someone coming in does): the view starts at the end.
    await otto.page.reload();
    await waitForConnection(otto.page);
    await messageItems(otto.page).filter({ hasText: '3: Line 1' }).waitFor({ timeout: 10_000 });
    // (Typed for over a second: the server relays one "start" a second, and one went with the last message.)
    await composer(long.page).box.pressSequentially('Hello everyone, one more thing', { delay: 50 });
    const typing = otto.page.getByRole('status').filter({ hasText: `${longAccount.displayName} is typing` });
    await typing.waitFor({ timeout: 10_000 });
    await otto.page.waitForTimeout(300); // the indicator stays until 2 s after the last keystroke
    const shown = await otto.page.evaluate(() => {
      const indicator = document.querySelector('[data-testid="typing-indicator"]');
      const scroller = indicator?.closest('[data-testid="message-scroll"]');
      if (!indicator || !scroller) return null;
      const box = indicator.getBoundingClientRect();
      return { text: indicator.textContent ?? '', height: box.height, hiddenPx: box.bottom - scroller.getBoundingClientRect().bottom };
    });
    expect(shown?.text).toContain('is typing');
    expect(shown?.height).toBeGreaterThan(30); // two lines
    expect(shown?.hiddenPx).toBeLessThanOrEqual(0.5);
    await screenshot(otto.page, 'post-shared-7-long-typing-phone', { fullPage: false });

    await otto.page.close();
    await nell.page.waitForFunction((name) => !(document.querySelector('[data-testid="presence"]')?.textContent ?? '').includes(name), ottoAccount.displayName, { timeout: 10_000 });
  }),
);
