import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { decideBuild, readBuildFacts } from '../../libs/launcher/src/build';
import { definedOnly, mergeEnv } from '../../libs/launcher/src/env';
import { ROOT } from './support/harness-env';
import { setUpBrowser } from './support/browser';

/**
 * `npm start` keeps Confab up when a part stops: the chat service killed under it is started
 * again and answers on its port, instead of the whole app going down (it did). Here with the
 * production build the browser harness made (the launcher must not rebuild it under the harness).
 */

const PORT = 3792;
const CHAT_PORT = 4792;

const browser = setUpBrowser({ timeoutMs: 150_000 });

function launcherEnv(): Record<string, string> {
  // LOG_LEVEL=warn: the servers' "listening" lines are not printed, and the launcher must still see them ready.
  return { ...definedOnly(process.env), PORT: String(PORT), CHAT_SERVICE_PORT: String(CHAT_PORT), PGLITE_DATA_DIR: 'memory://', NO_COLOR: '1', LIVEKIT_URL: '', LOG_LEVEL: 'warn' };
}

/** The chat service the launcher started: a process whose command runs its main.ts and whose environment names our port. */
function chatServicePid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('chat-service/src/main.ts')) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`CHAT_SERVICE_PORT=${CHAT_PORT}`)) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

let launcher: ChildProcess | null = null;
let output = '';

/** Waits until the launcher has printed `text` `times` times in all. */
async function waitForOutput(text: string, timeoutMs: number, times = 1): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (output.split(text).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`the launcher did not print "${text}" within ${timeoutMs / 1000} s; it printed:\n${output.slice(-3000)}`);
    if (launcher?.exitCode !== null) throw new Error(`the launcher exited (${launcher?.exitCode}); it printed:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  if (!launcher || launcher.exitCode !== null) return;
  const exited = new Promise((resolve) => launcher?.once('exit', resolve));
  launcher.kill('SIGINT');
  const timer = setTimeout(() => launcher?.pid !== undefined && process.kill(-launcher.pid, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
});

it('the chat service killed under `npm start` is started again and answers, and the app keeps running', async () => {
  const env = launcherEnv();
  const merged = mergeEnv(env, {});
  const decision = decideBuild(readBuildFacts(ROOT, merged.env));
  if (decision.build) throw new Error(`npm start would rebuild the app the browser harness is serving (${decision.reason}): not starting it`);

  const started = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'libs/launcher/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher = started;
  started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(`Confab is running: open http://localhost:${PORT}`, 90_000);

  const pid = chatServicePid();
  expect(pid).not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  await waitForOutput('The chat service was killed by SIGKILL: starting it again', 10_000);
  await waitForOutput(`chat service ready again on port ${CHAT_PORT}`, 60_000);

  expect((await fetch(`http://127.0.0.1:${CHAT_PORT}/v1/posts`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${PORT}/`)).status).toBe(200);
  expect(started.exitCode).toBeNull();
});

it(
  "a page that failed while the chat service was down loads with the error page's Try again once it is back",
  browser.test(async ({ newPerson, screenshot }) => {
    if (!launcher || launcher.exitCode !== null) throw new Error('the launcher of the test above is not running');
    const { page } = await newPerson();
    const app = `http://127.0.0.1:${PORT}`;
    const postPath = '/posts/writing-coach';
    await page.goto(`${app}${postPath}`);
    const postTitle = page.getByRole('heading', { level: 1, name: 'Sharpen your writing with Ada' });
    await postTitle.waitFor();

    const pid = chatServicePid();
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    await page.goto(`${app}${postPath}`);
    await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    expect(await page.title()).toBe('Something went wrong · Confab');
    await screenshot(page, 'error-page-chat-service-down');

    await waitForOutput(`chat service ready again on port ${CHAT_PORT}`, 60_000, 2);
    await page.getByRole('button', { name: 'Try again' }).click();
    await postTitle.waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { name: 'Something went wrong' }).count()).toBe(0);

    // The same when the failure came from following a link in the app (a client-side navigation).
    await page.goto(app);
    const card = page.locator(`a[href="${postPath}"]`);
    await card.waitFor();
    process.kill(chatServicePid()!, 'SIGKILL');
    await card.click();
    await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    await waitForOutput(`chat service ready again on port ${CHAT_PORT}`, 60_000, 3);
    await page.getByRole('button', { name: 'Try again' }).click();
    await postTitle.waitFor({ timeout: 15_000 });
  }),
);
