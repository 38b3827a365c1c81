import { newAccount, setUpBrowser } from './support/browser';
import { composer, conversation, messageItems, openPost, sample, seededPosts, sendMessage, signUp, waitForConnection } from './support/app';

/**
 * 10 messages per 60 s per person: the 11th is refused, and the page says so in words with a
 * countdown, with Send disabled until it runs out.
 */
const browser = setUpBrowser();

it(
  'the 11th message within a minute shows "sending too fast" with a countdown, and Send is disabled',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const posts = await seededPosts(env);
    const post = posts[1] ?? posts[0]!;
    const { page } = await newPerson();
    await signUp(page, newAccount('Rita'));
    await openPost(page, post);
    await waitForConnection(page);

    const run = Date.now().toString(36);
    for (let i = 1; i <= 10; i++) {
      const text = `rate limit check ${run} #${i}`;
      await sendMessage(page, text);
      await messageItems(page).filter({ hasText: text }).waitFor();
    }
    expect(await conversation(page).getByRole('alert').count()).toBe(0);

    await sendMessage(page, `rate limit check ${run} #11`);
    const alert = page.getByRole('alert').filter({ hasText: "You're sending messages too fast" });
    await alert.waitFor({ timeout: 10_000 });
    await screenshot(page, 'rate-limit-1-refused');
    const seconds = async (): Promise<number> => {
      const match = /Try again in (\d+) s\./.exec((await alert.textContent()) ?? '');
      if (!match) throw new Error(`the alert does not say when to try again: "${await alert.textContent()}"`);
      return Number(match[1]);
    };
    const first = await seconds();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(60);

    const { box, send } = composer(page);
    await box.fill('one more');
    expect(await send.isDisabled()).toBe(true);

    // The countdown counts down.
    const seen = await sample(seconds, (n) => n < first, { intervalMs: 250, timeoutMs: 4_000 });
    expect(seen.at(-1)).toBeLessThan(first);
    expect(await send.isDisabled()).toBe(true);
  }),
);
