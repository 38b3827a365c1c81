import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

/**
 * A throwaway `redis-server` on a free loopback port, for tests. Nothing is written to disk
 * (`--save ''`, no AOF). Missing binaries fail loudly: the multi-instance tests must not skip.
 */

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const INSTALL_HINT = '`.ci/run` installs them; on Debian/Ubuntu: apt-get install redis-server postgresql';

/** Asks the OS for a free port on 127.0.0.1 (closed again at once; the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Finds an executable by absolute candidates first, then on PATH. */
export function findExecutable(name: string, candidates: string[]): string | null {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : null;
}

/** Resolves when `child` prints `pattern` on stdout or stderr; rejects if it exits first or takes too long. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) finish(null);
    };
    const onExit = (code: number | null) => finish(new Error(`${what} exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    const timer = setTimeout(() => finish(new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)), timeoutMs);
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startRedis(): Promise<RunningRedis> {
  const binary = findExecutable('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  if (!binary) throw new Error(`redis-server is not installed: the multi-instance tests need it (${INSTALL_HINT}).`);
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForOutput(child, /Ready to accept connections/, 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child, 'SIGTERM') };
}
