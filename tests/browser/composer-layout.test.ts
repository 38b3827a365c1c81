import { newAccount, setUpBrowser } from './support/browser';
import { composer, conversation, openPost, seededPosts, sendMessage, signUp, waitForConnection } from './support/app';

/** The message box on a phone: one line while empty, whatever its hint says and whatever sits beside it. */
const browser = setUpBrowser();

it(
  'on a phone, the post page fits the screen and its empty message box stays one line high while a reply streams and Stop shows beside it',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const posts = await seededPosts(env);
    const post = posts[0]!;
    const { page } = await newPerson({ viewport: { width: 390, height: 844 } });
    await signUp(page, newAccount('Pia'));
    await openPost(page, post);
    await waitForConnection(page);
    const { box } = composer(page);
    const emptyHeight = (await box.boundingBox())!.height;

    await sendMessage(page, `@${post.agent.handle} tell me something long`);
    await conversation(page).getByRole('button', { name: 'Stop' }).waitFor();
    const whileStreaming = (await box.boundingBox())!.height;
    await screenshot(page, 'composer-layout-phone-streaming');
    // Nothing on the page is wider than the phone (the post page's column once was, by 30 px).
    const tooWide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    );
    expect(tooWide).toEqual([]);

    // One line: the box's line height (1.5em) and its padding, nowhere near the five lines of the long hint.
    const lineHeight = await box.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect(whileStreaming).toBeLessThan(2 * lineHeight + 12);
    expect(whileStreaming).toBeCloseTo(emptyHeight, 0);
  }),
);
