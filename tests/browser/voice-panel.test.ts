import type { Page, Route } from 'playwright-core';
import { freePort, type ManagedChild } from '../../libs/launcher';
import { openPost, seededPosts } from './support/app';
import { setUpBrowser } from './support/browser';
import { readHarnessEnv } from './support/harness-env';
import { PHONE, tooSmall, touchBox, type Size } from './support/touch';
import { inheritedEnv, startWebApp } from './support/web-app';

/**
 * Voice in a real browser, without a LiveKit server (none can run here):
 * 1. the harness app has no LiveKit env, so the thread page says voice is not set up;
 * 2. a second web app on the same build with LiveKit env pointing at a closed port, and the
 *    token endpoint stubbed with Playwright's page.route, shows each state of the panel.
 */
const browser = setUpBrowser({ timeoutMs: 150_000 });
const VOICE_POST = 'voice-demo';

async function openVoiceThread(page: Page, baseUrl: string): Promise<void> {
  const post = (await seededPosts(readHarnessEnv())).find((p) => p.slug === VOICE_POST);
  if (!post) throw new Error(`the seeded posts have no "${VOICE_POST}"`);
  await page.goto(baseUrl);
  await openPost(page, post);
  await page.getByRole('button', { name: 'Start a private thread' }).click();
  await page.waitForURL(/\/threads\/[0-9a-f-]{36}/);
  await page.getByRole('heading', { level: 1 }).waitFor();
}

const harnessHasLiveKit = Boolean(process.env.LIVEKIT_URL);

(harnessHasLiveKit ? it.skip : it)(
  harnessHasLiveKit
    ? 'skipped: "Voice is not set up" needs the harness app without LIVEKIT_URL, and it is set in this environment'
    : 'says "Voice is not set up on this server" on a thread when the server has no LiveKit env',
  browser.test(async ({ env, newPerson, screenshot }) => {
    const { page } = await newPerson();
    await openVoiceThread(page, env.baseUrl);
    await page.getByText('Voice is not set up on this server').waitFor();
    // Where people look for voice: the button, disabled, and the reason beside it.
    const start = page.getByRole('button', { name: 'Start voice' });
    expect(await start.getAttribute('aria-disabled')).toBe('true');
    await screenshot(page, 'voice-not-configured');
    // Still in the Tab order, so keyboard users find it and hear why (aria-describedby).
    await page.locator('body').focus();
    for (let i = 0; i < 12 && !(await start.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await start.evaluate((el) => el === document.activeElement)).toBe(true);
    // No "Voice" badge, nor words, promising calls this server cannot place.
    await page.goto('/');
    await page.getByRole('heading', { name: 'Talk to an agent' }).waitFor();
    expect(await page.getByText('Voice', { exact: true }).count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/by voice/);
  }),
);

describe('voice panel with a stubbed token endpoint (second app with LiveKit env, no LiveKit server)', () => {
  let app: ManagedChild | null = null;
  let baseUrl = '';
  let closedPort = 0;

  beforeAll(async () => {
    const harness = readHarnessEnv();
    const port = await freePort();
    closedPort = await freePort(); // nothing listens here: LiveKit connections fail fast
    const env = {
      ...inheritedEnv(),
      NEXT_TELEMETRY_DISABLED: '1',
      CHAT_SERVICE_URL: harness.chatHttpUrl,
      CHAT_SERVICE_INTERNAL_TOKEN: harness.internalToken,
      LIVEKIT_URL: `ws://127.0.0.1:${closedPort}`,
      LIVEKIT_API_KEY: 'stub-key',
      LIVEKIT_API_SECRET: 'stub-secret-stub-secret-stub-secret',
      LOG_LEVEL: 'warn',
    };
    app = await startWebApp({ name: 'web-voice', port, env, logFile: 'web-server-voice.log' });
    baseUrl = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(async () => {
    await app?.stop(10_000);
  });

  it(
    'shows "not set up" on 503, "Starting voice…" while the token is fetched, then a connection failure in words, with text still usable',
    browser.test(async ({ newPerson, screenshot }) => {
      const { page } = await newPerson({ baseURL: baseUrl });
      await openVoiceThread(page, baseUrl);
      const start = page.getByRole('button', { name: 'Start voice' });
      await start.waitFor();

      // LiveKit's code is loaded only when voice starts.
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(r.url());
      });

      await page.route('**/api/voice/*/room-token*', (route: Route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'VOICE_NOT_CONFIGURED', message: 'x' } }) }),
      );
      await start.click();
      await page.getByText('Voice is not set up on this server').waitFor();
      await screenshot(page, 'voice-panel-503');
      expect(scripts.length).toBeGreaterThan(0);

      await page.unroute('**/api/voice/*/room-token*');
      await page.reload();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/voice/*/room-token*', async (route: Route) => {
        expect(route.request().method()).toBe('POST');
        await held;
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          headers: { 'cache-control': 'no-store' },
          body: JSON.stringify({ serverUrl: `ws://127.0.0.1:${closedPort}`, roomName: 'thread-stub', participantName: 'Stub', participantToken: 'stub.jwt.token' }),
        });
      });
      await page.getByRole('button', { name: 'Start voice' }).click();
      const status = page.getByTestId('voice-status');
      await status.filter({ hasText: 'Starting voice…' }).waitFor();
      await page.getByRole('button', { name: 'End voice' }).waitFor();
      await screenshot(page, 'voice-panel-starting');
      release();

      await page.getByRole('alert').filter({ hasText: 'Could not connect to the voice server' }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Start voice' }).waitFor();
      await screenshot(page, 'voice-panel-connect-failed');
      expect(await page.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(true);

      await page.unroute('**/api/voice/*/room-token*');
      await page.route('**/api/voice/*/room-token*', (route: Route) =>
        route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'VOICE_DISABLED', message: 'x' } }) }),
      );
      await page.getByRole('button', { name: 'Start voice' }).click();
      await page.getByText('Voice is off for this agent').waitFor();
    }),
  );

  it(
    'on a phone, "Start voice" and the panel\'s "End voice" are at least 44×44 px',
    browser.test(async ({ newPerson, screenshot }) => {
      const { page } = await newPerson({ ...PHONE, baseURL: baseUrl });
      await openVoiceThread(page, baseUrl);
      const sizes: Record<string, Size & { tappable: boolean }> = {};
      sizes['Start voice'] = await touchBox(page.getByRole('button', { name: 'Start voice' }));
      await screenshot(page, 'voice-panel-phone-start', { fullPage: false });

      // The token is held: the panel shows "Starting voice…" and "End voice" until it is answered.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/voice/*/room-token*', async (route: Route) => {
        await held;
        await route.abort();
      });
      await page.getByRole('button', { name: 'Start voice' }).click();
      const end = page.getByRole('button', { name: 'End voice' });
      await end.waitFor();
      sizes['End voice'] = await touchBox(end);
      await screenshot(page, 'voice-panel-phone-starting', { fullPage: false });
      release();
      // The held request is aborted before the page closes, not as it closes.
      await page.unrouteAll({ behavior: 'wait' });
      expect(tooSmall(sizes)).toEqual([]);
    }),
  );
});
