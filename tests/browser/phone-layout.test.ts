import { randomUUID } from 'node:crypto';
import { newAccount, setUpBrowser } from './support/browser';
import { signUp } from './support/app';

/**
 * A 390×844 phone: the conversation (not the page around it) gets the screen, and the header
 * still says who is signed in.
 */
const browser = setUpBrowser({ timeoutMs: 120_000 });
const PHONE = { width: 390, height: 844 };

it(
  'on a phone, the header shows who is signed in, cut with an ellipsis when the name is long',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson({ viewport: PHONE });
    const account = { ...newAccount('Bartholomew'), displayName: `Bartholomew Featherstonehaugh-Villiers ${randomUUID().slice(0, 4)}` };
    await signUp(page, account);
    const name = page.getByTestId('current-user');
    expect(await name.isVisible()).toBe(true);
    expect(await name.textContent()).toBe(account.displayName);
    const shown = await name.evaluate((el) => ({
      width: el.getBoundingClientRect().width,
      right: el.getBoundingClientRect().right,
      cut: el.scrollWidth > el.clientWidth,
      overflow: getComputedStyle(el).textOverflow,
    }));
    expect(shown.width).toBeGreaterThanOrEqual(48);
    expect(shown.cut).toBe(true);
    expect(shown.overflow).toBe('ellipsis');
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(shown.right).toBeLessThanOrEqual(signOut!.x);
    expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-layout-header-phone-long-name', { fullPage: false });
  }),
);
