import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT } from './child';
import { sleep } from './stats';

/** The production Next.js app for benchmarks: build when needed, `next start` on a free loopback port. */

const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');
const BUILD_ID = path.join(ROOT, '.next', 'BUILD_ID');

function newestMtime(dir: string, depth = 0): number {
  if (!existsSync(dir) || depth > 8) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || /\.test\.tsx?$|\.md$/.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full, depth + 1) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Why the production build must be (re)made, or null when `.next` is current. */
export function buildStaleness(): string | null {
  if (!existsSync(BUILD_ID)) return 'no production build (.next/BUILD_ID)';
  const built = statSync(BUILD_ID).mtimeMs;
  const sources = Math.max(newestMtime(path.join(ROOT, 'app')), newestMtime(path.join(ROOT, 'libs')), statSync(path.join(ROOT, 'next.config.mjs')).mtimeMs);
  return sources > built ? 'sources changed since the last build' : null;
}

/** Runs `next build` (blocking, up to 10 minutes). Returns an error text or null. */
export function nextBuild(): string | null {
  const result = spawnSync(NEXT, ['build'], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8', timeout: 600_000 });
  if (result.status === 0) return null;
  return `next build failed (${result.status ?? result.signal}): ${`${result.stdout}\n${result.stderr}`.trim().slice(-800).replace(/\s+/g, ' ')}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address !== null && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNext {
  origin: string;
  stop(): Promise<void>;
}

export async function startNext(env: Record<string, string>): Promise<RunningNext> {
  const port = await freePort();
  const child: ChildProcess = spawn(NEXT, ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`${origin}/`, { signal: AbortSignal.timeout(5_000) });
      return { origin, stop };
    } catch {
      await sleep(500);
    }
  }
  await stop();
  throw new Error(`next start did not answer in 60 s: ${stderr}`);
}
