import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { startChild, waitForPort, webServerArgs, type ManagedChild } from '../../../libs/launcher';
import { RESULTS_DIR, ROOT } from './harness-env';

/**
 * Starts the web app on the production build in `.next` the way `npm start` does (the launcher's
 * web server, libs/launcher/src/web-server.ts, not a bare `next start`): the harness's app, and
 * the second apps some tests start with other settings. Resolves once it accepts connections,
 * which it does only when Next.js is ready to serve.
 */
export interface WebAppOptions {
  /** Prefix of its output lines, and its name in errors. */
  name: string;
  port: number;
  env: Record<string, string>;
  /** File under test-results/ its output goes to. */
  logFile: string;
  timeoutMs?: number;
}

export async function startWebApp(options: WebAppOptions): Promise<ManagedChild> {
  const log = createWriteStream(path.join(RESULTS_DIR, options.logFile));
  const child = startChild({
    name: options.name,
    label: options.name,
    command: process.execPath,
    args: webServerArgs(ROOT, { dev: false, port: options.port, hostname: '127.0.0.1' }),
    cwd: ROOT,
    env: options.env,
    color: false,
    write: (text) => log.write(text),
  });
  const up = await Promise.race([waitForPort(options.port, '127.0.0.1', options.timeoutMs ?? 60_000), child.exited.then(() => false)]);
  if (!up) {
    await child.stop(5_000);
    throw new Error(`${options.name} did not come up on port ${options.port}. Last lines (full log: test-results/${options.logFile}):\n  ${child.tail.slice(-25).join('\n  ')}`);
  }
  return child;
}

/** This process's environment for a child: without Jest's variables, and without NODE_ENV=test (the web server picks production). */
export function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (typeof value === 'string' && !key.startsWith('JEST_') && key !== 'NODE_ENV') out[key] = value;
  }
  return out;
}
