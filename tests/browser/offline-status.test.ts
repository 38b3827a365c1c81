import { setUpBrowser } from './support/browser';
import { seededPosts, startThread } from './support/app';

/** The connection status follows the browser going offline at once, not when the socket finds out. */
const browser = setUpBrowser();

it(
  'says Offline as soon as the browser goes offline, and Connected again when it is back',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page, context } = await newPerson();
    await startThread(page, post!);
    const status = page.getByTestId('connection-status');
    await status.getByText('Connected').waitFor();
    // The dot's colour, as the person sees it.
    const dotColour = () => status.evaluate((words) => getComputedStyle(words.previousElementSibling!).backgroundColor);
    const connectedColour = await dotColour();

    await context.setOffline(true);
    await status.getByText("Offline — messages will be sent when you're back").waitFor({ timeout: 3_000 });
    // The dot beside the words is not the green of a live connection.
    expect(await dotColour()).not.toBe(connectedColour);
    await screenshot(page, 'offline-status');

    await context.setOffline(false);
    await status.getByText('Connected').waitFor({ timeout: 30_000 });
  }),
);
