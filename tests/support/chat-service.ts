import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';

/**
 * Starts the real chat service as a child process (tsx), exactly as the launcher does.
 * Contract with `libs/chat-service/src/main.ts`: it reads its env, listens on
 * CHAT_SERVICE_PORT (0 = any free port) and logs one pino JSON line with
 * `msg: "chat service listening"` and `port` once it accepts connections.
 */

export interface ChatServiceOptions {
  env?: Record<string, string>;
  /** Defaults to a fresh in-memory PGlite database. */
  databaseEnv?: Record<string, string>;
  port?: number;
}

export interface RunningChatService {
  port: number;
  httpUrl: string;
  /** Base for sockets: `${wsBase}conversation/<id>/`. */
  wsBase: string;
  env: Record<string, string>;
  process: ChildProcess;
  /** Log lines (parsed JSON) the service has written so far. */
  logs: Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const ROOT = path.resolve(__dirname, '..', '..');

export function testSecrets(): Record<string, string> {
  return {
    TICKET_SECRET: randomBytes(32).toString('base64url'),
    CHAT_SERVICE_INTERNAL_TOKEN: randomBytes(24).toString('base64url'),
  };
}

export async function startChatService(options: ChatServiceOptions = {}): Promise<RunningChatService> {
  const env: Record<string, string> = {
    ...testSecrets(),
    PGLITE_DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    ALLOWED_ORIGINS: 'http://localhost:3000',
    // Every test's identities come from 127.0.0.1: the per-address limits on new identities and
    // failed sign-ins are tested on their own (auth-addresses.test.ts), with the budgets set there.
    VISITORS_PER_ADDRESS_PER_10_MIN: '1000000',
    SIGN_UPS_PER_ADDRESS_PER_HOUR: '1000000',
    FAILED_SIGN_INS_PER_ADDRESS_PER_10_MIN: '1000000',
    FAILED_SIGN_INS_PER_EMAIL_PER_HOUR: '1000000',
    ...options.databaseEnv,
    ...options.env,
    CHAT_SERVICE_PORT: String(options.port ?? 0),
    CHAT_SERVICE_HOST: '127.0.0.1',
  };
  // One process (tsx as a loader, not the tsx CLI, which runs the service in a grandchild): a signal,
  // SIGKILL included, reaches the service itself, so a "kill -9" really kills it and frees its port.
  // CHAT_SERVICE_CPU_PROF=<dir>: the service writes a V8 CPU profile there when it exits (for `npm run bench`).
  const profile = process.env.CHAT_SERVICE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CHAT_SERVICE_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, 'libs/chat-service/src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chat service did not start in 60 s\n${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chat service exited with ${code} before listening\n${stderr}`));
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'chat service listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}/ws/v1/`,
    env,
    process: child,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 15_000);
      });
      // Clear the fallback kill timer so Jest is not held open after a clean exit.
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * One real chat service for a whole test file: started before its tests, stopped after them.
 * `onStarted` receives it (and may do more set-up) so the file keeps it in its own variable.
 */
export function withChatService(
  onStarted: (service: RunningChatService) => void | Promise<void>,
  options: ChatServiceOptions = {},
): void {
  let running: RunningChatService | undefined;
  beforeAll(async () => {
    running = await startChatService(options);
    await onStarted(running);
  }, 90_000);
  afterAll(async () => {
    await running?.stop();
  });
}
