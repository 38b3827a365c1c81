import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, type ManagedChild } from '../../libs/launcher';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { setUpBrowser } from './support/browser';
import { composer, conversation, messageItems, sendMessage, waitForConnection } from './support/app';
import { inheritedEnv, startWebApp } from './support/web-app';

/**
 * The chat service stops while someone has a thread open: the connection's line says in words
 * that the chat server cannot be reached, beside the countdown and "Retry now". It said only
 * "Reconnecting in 5 s", so a server that was down read like a blip. A message written meanwhile
 * waits, queued, and goes out once the service is back. Here a chat service and a second web app
 * of the test's own (the harness's are shared with other tests), so the service can be stopped
 * and started again on its port, with its data.
 */
const browser = setUpBrowser({ timeoutMs: 150_000 });

let service: RunningChatService | null = null;
let web: ManagedChild | null = null;
let app = '';
let chatPort = 0;
let dataDir = '';
let serviceEnv: Record<string, string> = {};

beforeAll(async () => {
  chatPort = await freePort();
  const webPort = await freePort();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'confab-chat-down-'));
  serviceEnv = {
    ALLOWED_ORIGINS: `http://127.0.0.1:${webPort},http://localhost:${webPort}`,
    DEMO_AGENT_TOKEN_DELAY_MS: '5',
  };
  service = await startChatService({ port: chatPort, env: serviceEnv, databaseEnv: { PGLITE_DATA_DIR: dataDir } });
  // The same secrets when it starts again: tickets and the internal token stay valid.
  serviceEnv = { ...service.env };
  const env = {
    ...inheritedEnv(),
    NEXT_TELEMETRY_DISABLED: '1',
    CHAT_SERVICE_URL: service.httpUrl,
    chatApiUrl: service.wsBase,
    TICKET_SECRET: service.env.TICKET_SECRET!,
    CHAT_SERVICE_INTERNAL_TOKEN: service.env.CHAT_SERVICE_INTERNAL_TOKEN!,
    LOG_LEVEL: 'warn',
  };
  web = await startWebApp({ name: 'web (chat service down)', port: webPort, env, logFile: 'web-server-chat-service-down.log' });
  app = `http://127.0.0.1:${webPort}`;
}, 120_000);

afterAll(async () => {
  if (web && !web.hasExited()) await web.stop(10_000);
  await service?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it(
  "says it can't reach the chat server while the service is down, keeps a message queued, and sends it once it is back",
  browser.test(async ({ newPerson, screenshot }) => {
    const { page } = await newPerson();
    await page.goto(`${app}/posts/writing-coach`);
    await page.getByRole('button', { name: 'Start a private thread' }).click();
    await page.waitForURL(/\/threads\//);
    await waitForConnection(page);

    await service!.stop('SIGTERM');
    const status = page.getByTestId('connection-status');
    // The words name the cause, with the countdown; "Retry now" once a wait is long enough.
    await status.filter({ hasText: /^Can't reach the chat server\. Reconnecting (in \d+\ss|…)$/ }).waitFor({ timeout: 20_000 });
    const retryNow = conversation(page).getByRole('button', { name: 'Retry now' });
    await retryNow.waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toMatch(/^Can't reach the chat server\. Reconnecting in \d+\u00a0s$/);

    // Written while the service is down: queued, not lost.
    const text = `Written while the chat service was down ${Date.now()}`;
    await sendMessage(page, text);
    const mine = messageItems(page).filter({ hasText: text });
    await mine.and(page.locator('[data-status="queued"]')).waitFor({ timeout: 10_000 });
    expect(await composer(page).box.inputValue()).toBe('');
    await screenshot(page, 'chat-service-down', { fullPage: false });

    // On a 320 px phone the words wrap under the title, whole, with the button on the screen.
    await page.setViewportSize({ width: 320, height: 700 });
    await retryNow.waitFor({ timeout: 30_000 });
    const button = await retryNow.boundingBox();
    expect(button!.x + button!.width).toBeLessThanOrEqual(320);
    // The seconds and their unit stay on one line ("4" at the end of one line, "s" alone on the next, read badly).
    const countdownLines = await status.evaluate((words) => {
      const text = words.firstChild!;
      const at = (text.textContent ?? '').search(/\d+\u00a0s$/);
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, (text.textContent ?? '').length);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    });
    expect(countdownLines).toBe(1);
    await screenshot(page, 'chat-service-down-320', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 860 });

    // Back on its port with its data: "Retry now" connects, and the queued message goes out.
    service = await startChatService({ port: chatPort, env: serviceEnv, databaseEnv: { PGLITE_DATA_DIR: dataDir } });
    if (await retryNow.isVisible()) await retryNow.click().catch(() => undefined);
    await waitForConnection(page, 30_000);
    await mine.and(page.locator('[data-status="complete"]')).waitFor({ timeout: 15_000 });
    expect(await status.textContent()).toBe('Connected');
  }),
);
