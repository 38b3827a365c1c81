import { setUpBrowser } from './support/browser';
import { agentMessages, conversation, messageItems, seededPosts, sendMessage, startThread, waitForConnection } from './support/app';

/** HTML and script in a message are shown as text: nothing runs, no element is injected. */
const browser = setUpBrowser();

const PAYLOAD = '<img src=x onerror=alert(1)><script>alert(1)</script>';

it(
  'a message containing HTML and script renders as text, live and after a reload',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page, dialogs } = await newPerson();
    await startThread(page, post!);

    await sendMessage(page, PAYLOAD);
    const mine = messageItems(page).filter({ hasText: '<img src=x onerror=alert(1)>' });
    await mine.waitFor();
    // The demo agent quotes the message back: that must be safe too.
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    const check = async (when: string): Promise<void> => {
      const region = conversation(page);
      expect({ when, text: await mine.first().textContent() }).toEqual({ when, text: expect.stringContaining(PAYLOAD) });
      expect({ when, injectedImages: await region.locator('img[src="x"]').count() }).toEqual({ when, injectedImages: 0 });
      expect({ when, injectedScripts: await region.locator('script').count() }).toEqual({ when, injectedScripts: 0 });
      expect({ when, dialogs }).toEqual({ when, dialogs: [] });
    };
    await check('live');
    await screenshot(page, 'safe-rendering-1-live');

    await page.reload();
    await waitForConnection(page);
    await messageItems(page).filter({ hasText: '<img src=x onerror=alert(1)>' }).first().waitFor();
    await page.waitForTimeout(500); // an onerror handler would have fired by now
    await check('after reload');
    await screenshot(page, 'safe-rendering-2-reloaded');
  }),
);
