import type { Locator } from 'playwright-core';
import { newAccount, setUpBrowser } from './support/browser';
import { sample, seededPosts, signUp, startThread } from './support/app';

/** Signing in and up as people meet it: from wherever they are, back to where they were, errors they can find. */
const browser = setUpBrowser();

it(
  "a guest in a thread who signs up from the header's Sign in link comes back to that thread",
  browser.test(async ({ env, newPerson }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    await startThread(page, post!);
    const threadPath = new URL(page.url()).pathname;

    const nav = page.getByRole('navigation', { name: 'Main' });
    // The header says where you are: a thread is in "Your threads".
    expect(await nav.getByRole('link', { name: 'Your threads' }).getAttribute('aria-current')).toBe('true');
    expect(await nav.getByRole('link', { name: 'Posts' }).getAttribute('aria-current')).toBeNull();
    await nav.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/signin\?next=/);
    // On the sign-in page the form is the way in: no second "Sign in" in the header.
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Sign in' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/signup\?next=/);
    const account = newAccount('Gus');
    await page.getByLabel('Display name', { exact: true }).fill(account.displayName);
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();

    await page.waitForURL((url) => url.pathname === threadPath);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }),
);

it(
  'submitting the sign-up form with errors puts focus on the first field to fix, which names its error',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson();
    await page.goto('/signup');
    // The password rule is said before anyone gets it wrong, tied to the field for screen readers.
    const passwordNote = await page.getByLabel('Password', { exact: true }).evaluate((input) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent);
    expect(passwordNote).toBe('At least 8 characters.');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();

    const displayName = page.getByLabel('Display name', { exact: true });
    await expectFocused(displayName);
    const description = await displayName.evaluate((input) =>
      (input.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(description.trim().length).toBeGreaterThan(0);
    await screenshot(page, 'auth-forms-signup-errors');
  }),
);

async function expectFocused(locator: Locator): Promise<void> {
  expect(await locator.evaluate((element) => element === document.activeElement)).toBe(true);
}

it(
  'opening my thread while signed out asks me to sign in, and signing in brings me back to it',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const [post] = await seededPosts(env);
    const { page } = await newPerson();
    const account = newAccount('Tess');
    await signUp(page, account);
    await startThread(page, post!);
    const threadUrl = page.url();
    const title = await page.getByRole('heading', { level: 1 }).textContent();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();

    await page.goto(threadUrl);
    await page.getByRole('heading', { name: 'This thread is private' }).waitFor();
    await screenshot(page, 'auth-forms-private-thread-signed-out');
    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/signin\?next=/);
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(threadUrl);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
  }),
);

it(
  'signing up with an email that has an account says so, with a link to sign in that keeps the email typed',
  browser.test(async ({ newPerson }) => {
    const first = await newPerson();
    const account = newAccount('Uma');
    await signUp(first.page, account);

    const { page } = await newPerson();
    await page.goto('/signup');
    await page.getByLabel('Display name', { exact: true }).fill('Uma again');
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill('another long password');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'already exists' });
    await alert.waitFor();
    expect(await alert.textContent()).toBe('An account with this email already exists. Sign in instead');
    // The refusal leaves a keyboard user where they were, on the button, not at the top of the page.
    expect(await page.evaluate(() => document.activeElement?.matches('button[type="submit"]') ?? false)).toBe(true);
    await alert.getByRole('link', { name: 'Sign in instead' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    const email = page.getByLabel('Email', { exact: true });
    expect((await sample(() => email.inputValue(), (v) => v !== '', { intervalMs: 50, timeoutMs: 5_000 })).at(-1)).toBe(account.email);
    // Handed over once: the address is not kept in the browser after that.
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // The other way too: an email typed on the sign-in form follows the person to sign up.
    const other = await newPerson();
    await other.page.goto('/signin');
    await other.page.getByLabel('Email', { exact: true }).fill('new.person@example.com');
    await other.page.getByRole('link', { name: 'Create an account' }).click();
    await other.page.waitForURL((url) => url.pathname === '/signup');
    const otherEmail = other.page.getByLabel('Email', { exact: true });
    expect((await sample(() => otherEmail.inputValue(), (v) => v !== '', { intervalMs: 50, timeoutMs: 5_000 })).at(-1)).toBe('new.person@example.com');
  }),
);
