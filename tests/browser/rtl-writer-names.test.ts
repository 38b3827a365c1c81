import { newAccount, setUpBrowser } from './support/browser';
import { agentMessages, openPost, sample, seededPosts, sendMessage, signUp, waitForConnection } from './support/app';

/**
 * In a post's shared conversation the demo agent names who wrote the message it answers. With a
 * Hebrew or Arabic display name first in its English sentences ("**אבי כהן** said:"), each block's
 * `dir="auto"` took the name's direction: the whole English sentence read right to left, its
 * colon and words scrambled. Its sentences now start in English and hold the name in a bidi
 * isolate, so they read left to right with the name whole inside them.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });

for (const { language, name } of [
  { language: 'Hebrew', name: 'אבי כהן' },
  { language: 'Arabic', name: 'نور الهدى' },
]) {
  it(
    `the demo agent's sentences about a writer with a ${language} name read left to right, while it streams and after`,
    browser.test(async ({ env, newPerson, screenshot }) => {
      const [post] = await seededPosts(env);
      const { page } = await newPerson();
      await signUp(page, { ...newAccount('rtl writer'), displayName: name });
      await openPost(page, post!);
      await waitForConnection(page);

      await sendMessage(page, `@${post!.agent.handle} could you check my ${language} plan for tomorrow?`);
      const reply = agentMessages(page).filter({ hasText: `could you check my ${language} plan` }).last();
      // Every block of the reply that names the writer: the line before the quote and the note that counts its words.
      const directions = (): Promise<Array<{ text: string; direction: string }>> =>
        reply.evaluate((item) =>
          [...item.querySelectorAll('p, li, h3, h4, h5, h6')]
            .filter((block) => /said|words?\b/.test(block.textContent ?? ''))
            .map((block) => ({ text: block.textContent ?? '', direction: getComputedStyle(block).direction })),
        );
      const complete = page.locator('[data-status="complete"]');
      // While it streams (the streaming renderer's blocks), then once it is done (Markdown's).
      const seen = await sample(
        async () => ({ done: (await reply.and(complete).count()) === 1, blocks: await reply.count().then((n) => (n === 1 ? directions() : [])) }),
        (value) => value.done,
        { intervalMs: 100, timeoutMs: 40_000 },
      );
      await screenshot(page, `rtl-writer-names-${language.toLowerCase()}`, { fullPage: false });

      const final = seen.at(-1)!.blocks;
      // The name is in the sentences, whole.
      expect(final.map((block) => block.text).join('\n')).toContain(name);
      expect(final.some((block) => block.text.includes('said'))).toBe(true);
      expect(final.some((block) => /words?\b/.test(block.text))).toBe(true);
      const rightToLeft = seen.flatMap((value) => value.blocks).filter((block) => block.direction !== 'ltr');
      expect(rightToLeft).toEqual([]);
    }),
  );
}
