import { setUpBrowser } from './support/browser';
import { agentMessages, seededPosts, sendMessage, startThread } from './support/app';

/** "Delete" in Your threads asks once more in place, then the thread is gone for good. */
const browser = setUpBrowser();

it(
  'deletes a thread from Your threads after a second “Delete”; Cancel keeps it; the deleted thread is not found',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    const threadUrl = page.url();
    await sendMessage(page, 'Something I will want to delete');
    await agentMessages(page).last().and(page.locator('[data-status="complete"]')).waitFor({ timeout: 30_000 });

    await page.goto('/threads');
    const row = page.getByRole('listitem').filter({ hasText: 'Something I will want to delete' });
    await row.waitFor();
    await row.getByRole('button', { name: /^Delete “Something I will want to delete/ }).click();
    // Asked in place; Cancel has the focus, so Enter does not delete by accident.
    const confirm = row.getByRole('group', { name: /^Delete “Something I will want to delete.*”\?$/ });
    await confirm.waitFor();
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'delete-thread-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: /^Delete “/ }).waitFor();

    await row.getByRole('button', { name: /^Delete “/ }).click();
    await row.getByRole('group').getByRole('button', { name: 'Delete', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    // Keyboard users keep their place: focus is on the page's heading, not lost at its start.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Your threads');
    await page.getByText('No threads yet.').waitFor();

    const gone = await page.goto(threadUrl);
    expect(gone?.status()).toBe(404);
  }),
);
