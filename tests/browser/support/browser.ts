import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Dialog, type Page } from 'playwright-core';
import { readHarnessEnv, SCREENSHOT_DIR, type HarnessEnv } from './harness-env';

/**
 * Browser test helpers: Debian's Chromium driven by playwright-core, one browser per test file,
 * fresh contexts (= separate people: own cookies) per test, a screenshot of every open page
 * when a test fails (test-results/screenshots/<test>--failure-<n>.png).
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Every alert/confirm/prompt the page opened (they are dismissed). */
  dialogs: string[];
}

export interface TestTools {
  env: HarnessEnv;
  /** A new person: a fresh browser context (own cookies) with one page. */
  newPerson(options?: BrowserContextOptions): Promise<Person>;
  /**
   * Saves a PNG into test-results/screenshots/<name>.png and returns its path: the whole page,
   * or with `{ fullPage: false }` only what is on the screen (what a phone shows without scrolling).
   */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

export async function saveScreenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Call once at the top of a browser test file. Returns `test(fn)`, which wraps a test body:
 * `it('…', browser.test(async ({ newPerson }) => { … }))`.
 */
export function setUpBrowser(options: { timeoutMs?: number } = {}): { test: (body: (tools: TestTools) => Promise<void>) => () => Promise<void> } {
  jest.setTimeout(options.timeoutMs ?? 90_000);
  let browser: Browser | null = null;
  let env: HarnessEnv | null = null;
  let setupError: Error | null = null;

  beforeAll(async () => {
    try {
      env = readHarnessEnv();
      browser = await launchBrowser();
    } catch (err) {
      setupError = err instanceof Error ? err : new Error(String(err));
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    test: (body) => async () => {
      if (setupError) throw setupError;
      if (!browser || !env) throw new Error('Browser harness: the browser did not start');
      const b = browser;
      const harness = env;
      const people: Person[] = [];
      const tools: TestTools = {
        env: harness,
        async newPerson(contextOptions) {
          const context = await b.newContext({ baseURL: harness.baseUrl, viewport: { width: 1280, height: 860 }, ...contextOptions });
          context.setDefaultTimeout(15_000);
          const page = await context.newPage();
          const person: Person = { context, page, dialogs: [] };
          page.on('dialog', (dialog: Dialog) => {
            person.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
            void dialog.dismiss().catch(() => undefined);
          });
          people.push(person);
          return person;
        },
        screenshot: saveScreenshot,
      };
      try {
        await body(tools);
      } catch (err) {
        const name = expect.getState().currentTestName ?? 'browser-test';
        const shots: string[] = [];
        for (const [i, person] of people.entries()) {
          for (const [j, page] of person.context.pages().entries()) {
            const file = await saveScreenshot(page, `${slug(name).slice(0, 60)}-failure-${i + 1}${j ? `-${j + 1}` : ''}`).catch(() => null);
            if (file) shots.push(path.relative(process.cwd(), file));
          }
        }
        if (err instanceof Error && shots.length) {
          // Jest prints `stack`, which holds the message as it was when the error was made.
          const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
          err.message += `\n\nScreenshots: ${shots.join(', ')}\nPage URL(s): ${people.map((p) => p.page.url()).join(', ')}`;
          err.stack = [`${err.name}: ${err.message}`, ...frames].join('\n');
        }
        throw err;
      } finally {
        for (const person of people) await person.context.close().catch(() => undefined);
      }
    },
  };
}

/** A unique, valid sign-up for one test run. */
export function newAccount(name: string): { email: string; password: string; displayName: string } {
  const id = randomBytes(4).toString('hex');
  return { email: `${slug(name)}-${id}@example.test`, password: `pw-${randomBytes(8).toString('hex')}`, displayName: `${name} ${id.slice(0, 4)}` };
}
