import { mkdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import path from 'node:path';
import { decideBuild, freePort, isPortFree, readBuildFacts, startChild, writeBuildStamp, describeExit, type ManagedChild } from '../../../libs/launcher';
import { isReadyLine, parseJsonLine } from '../../../libs/launcher';
import { testSecrets } from '../../support/chat-service';
import { HARNESS_ENV_FILE, HARNESS_ENV_VAR, RESULTS_DIR, ROOT, SCREENSHOT_DIR, type HarnessEnv } from './harness-env';
import { inheritedEnv, startWebApp } from './web-app';

/**
 * Browser harness, once per jest run: a fresh chat service (in-memory PGlite) → `next build`
 * (skipped when .next is up to date for these settings) → the web app on a free port, started as
 * `npm start` starts it (the launcher's web server around Next.js: support/web-app.ts).
 *
 * The browser's WebSocket base (`chatApiUrl`) is inlined into the bundle at build time
 * (next.config.mjs `env`), so the chat service's port must be known before the build: it runs on
 * a fixed test port (CONFAB_TEST_CHAT_PORT, default 4310) so that repeated runs reuse one build,
 * and on another free port (costing a rebuild) only when that one is taken.
 */

export interface HarnessHandles {
  chat: ManagedChild | null;
  web: ManagedChild | null;
}

declare global {
  var confabBrowserHarness: HarnessHandles | undefined;
}

const DEMO_TOKEN_DELAY_MS = 45;
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const log = (text: string): void => {
  process.stderr.write(`[browser harness] ${text}\n`);
};

async function run(name: string, args: string[], env: Record<string, string>, logFile: string): Promise<void> {
  const out = createWriteStream(logFile);
  const child = startChild({ name, label: name, command: process.execPath, args, cwd: ROOT, env, color: false, write: (t) => out.write(t) });
  const result = await child.exited;
  out.end();
  if (result.code !== 0) {
    throw new Error(`${name} ${describeExit(result)}. Last lines (full log: ${path.relative(ROOT, logFile)}):\n  ${child.tail.slice(-25).join('\n  ')}`);
  }
}

async function setUp(handles: HarnessHandles): Promise<HarnessEnv> {
  const timings: Record<string, number> = {};
  const time = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const value = await fn();
    timings[step] = Math.round((Date.now() - started) / 100) / 10;
    return value;
  };

  const preferred = Number(process.env.CONFAB_TEST_CHAT_PORT ?? 4310);
  const chatPort = (await isPortFree(preferred)) ? preferred : await freePort();
  const webPort = await freePort();
  const origins = `http://127.0.0.1:${webPort},http://localhost:${webPort}`;

  const secrets = testSecrets();
  const chatHttpUrl = `http://127.0.0.1:${chatPort}`;
  const chatWsBase = `ws://127.0.0.1:${chatPort}/ws/v1/`;
  // Same start as the launcher's (node --import tsx main.ts), logging to test-results/chat-service.log.
  const chatLog = createWriteStream(path.join(RESULTS_DIR, 'chat-service.log'));
  let chatReady: (ok: boolean) => void = () => undefined;
  const chat = startChild({
    name: 'chat',
    label: 'chat service',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, 'libs/chat-service/src/main.ts')],
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      NODE_ENV: 'test',
      ...secrets,
      PGLITE_DATA_DIR: 'memory://',
      CHAT_SERVICE_HOST: '127.0.0.1',
      CHAT_SERVICE_PORT: String(chatPort),
      DEMO_AGENT_TOKEN_DELAY_MS: String(DEMO_TOKEN_DELAY_MS),
      ALLOWED_ORIGINS: origins,
      LOG_LEVEL: 'info',
      // Every browser test signs people up from this one machine (integration tests cover the limits).
      VISITORS_PER_ADDRESS_PER_10_MIN: '1000000',
      SIGN_UPS_PER_ADDRESS_PER_HOUR: '1000000',
    },
    color: false,
    write: (t) => chatLog.write(t),
    onLine: (line) => {
      if (isReadyLine('chat', line)) chatReady(parseJsonLine(line)?.port === chatPort);
    },
  });
  handles.chat = chat;
  await time('chat service start', async () => {
    const ready = new Promise<boolean>((resolve) => {
      chatReady = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready,
      chat.exited.then((r) => describeExit(r)),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('did not say "chat service listening" within 60 s'), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === true) return;
    const why = outcome === false ? `listens on another port than ${chatPort}` : outcome;
    throw new Error(`the chat service ${why}. Last lines (full log: test-results/chat-service.log):\n  ${chat.tail.slice(-20).join('\n  ')}`);
  });
  log(`chat service on ${chatHttpUrl} (${timings['chat service start']} s)`);

  const env: Record<string, string> = {
    ...inheritedEnv(),
    NEXT_TELEMETRY_DISABLED: '1',
    CHAT_SERVICE_URL: chatHttpUrl,
    chatApiUrl: chatWsBase,
    ...secrets,
    LOG_LEVEL: 'warn',
  };

  const decision = decideBuild(readBuildFacts(ROOT, env));
  if (decision.build) {
    log(`next build: ${decision.reason}…`);
    await time('next build', () => run('build', [NEXT_BIN, 'build'], env, path.join(RESULTS_DIR, 'next-build.log')));
    writeBuildStamp(ROOT, env);
    log(`next build done (${timings['next build']} s)`);
  } else {
    log('next build skipped: .next is up to date for these settings');
  }

  // As `npm start` runs it (not a bare `next start`): the launcher's web server.
  const web = await time('web server start', () => startWebApp({ name: 'web', port: webPort, env, logFile: 'web-server.log' }));
  handles.web = web;
  const baseUrl = `http://127.0.0.1:${webPort}`;
  // First request warms the server (and proves the home page renders).
  await time('first page', async () => {
    const res = await fetch(baseUrl, { signal: AbortSignal.timeout(30_000) }).catch((err: unknown) => err);
    if (res instanceof Error) log(`warning: GET / failed: ${res.message}`);
    else if (!(res instanceof Response) || res.status >= 400) log(`warning: GET / answered ${res instanceof Response ? res.status : 'nothing'}`);
  });
  log(`app on ${baseUrl} (web server start ${timings['web server start']} s)`);

  return {
    baseUrl,
    chatHttpUrl,
    chatWsBase,
    internalToken: secrets.CHAT_SERVICE_INTERNAL_TOKEN ?? '',
    demoTokenDelayMs: DEMO_TOKEN_DELAY_MS,
    timings,
    error: null,
  };
}

export default async function globalSetup(): Promise<void> {
  // Screenshots are of this run only.
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // One file per jest run, so two runs in one work tree do not read each other's addresses;
  // test workers inherit this variable. test-results/browser-env.json is the latest, for people.
  const envFile = path.join(RESULTS_DIR, `browser-env-${process.pid}.json`);
  process.env[HARNESS_ENV_VAR] = envFile;
  rmSync(HARNESS_ENV_FILE, { force: true });
  const handles: HarnessHandles = { chat: null, web: null };
  globalThis.confabBrowserHarness = handles;
  try {
    const env = await setUp(handles);
    writeFileSync(envFile, `${JSON.stringify(env, null, 2)}\n`);
    writeFileSync(HARNESS_ENV_FILE, `${JSON.stringify(env, null, 2)}\n`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`FAILED: ${message}`);
    // The browser tests read this and fail with the reason, instead of the whole jest run aborting.
    writeFileSync(envFile, `${JSON.stringify({ error: message }, null, 2)}\n`);
    writeFileSync(HARNESS_ENV_FILE, `${JSON.stringify({ error: message }, null, 2)}\n`);
  }
}
