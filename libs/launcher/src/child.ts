import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { formatLine } from './format';

export type Write = (text: string) => void;

export interface ManagedChild {
  name: string;
  label: string;
  process: ChildProcess;
  /** Settles when the process has exited (code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines of output, for error messages. */
  tail: string[];
  /** SIGTERM to its process group, SIGKILL after timeoutMs. */
  stop(timeoutMs: number): Promise<void>;
  hasExited(): boolean;
}

export interface StartOptions {
  name: string;
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  write: Write;
  color: boolean;
  /** Called for every output line (stdout and stderr), before it is printed. */
  onLine?: (line: string) => void;
}

const TAIL = 40;

/**
 * Starts a child in its own process group (so Ctrl-C reaches only the launcher, which then
 * stops the children in order) and prints its output line by line with a `[name]` prefix.
 */
export function startChild(options: StartOptions): ManagedChild {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  const pipe = (stream: Readable | null): void => {
    if (!stream) return;
    readline.createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
      options.onLine?.(line);
      options.write(`${formatLine(options.name, line, { color: options.color })}\n`);
    });
  };
  pipe(child.stdout);
  pipe(child.stderr);

  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      done = true;
      tail.push(String(err));
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };

  return {
    name: options.name,
    label: options.label,
    process: child,
    exited,
    tail,
    hasExited: () => done,
    async stop(timeoutMs: number) {
      if (done) return;
      signalGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        options.write(`${formatLine('confab', `${options.label} did not stop within ${Math.round(timeoutMs / 1000)} s: killing it`, { color: options.color })}\n`);
        signalGroup('SIGKILL');
        await exited;
      } else {
        // Helpers it started (e.g. Next.js workers) go with it.
        signalGroup('SIGKILL');
      }
    },
  };
}

export function describeExit(result: { code: number | null; signal: NodeJS.Signals | null }): string {
  if (result.signal) return `was killed by ${result.signal}`;
  return `exited with code ${result.code ?? 'unknown'}`;
}
