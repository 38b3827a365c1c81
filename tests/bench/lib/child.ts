import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { z } from 'zod';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * A TypeScript module run in its own Node process (so load generators and servers under test
 * do not share an event loop), talking over the IPC channel. Node raises its soft open-files
 * limit to the hard limit at start-up; the shell wrapper does the same for anything else.
 */
export class TsChild {
  private inbox: unknown[] = [];
  private wakers: Array<() => void> = [];
  private exitCode: number | null | undefined = undefined;
  stderr = '';

  private constructor(readonly process: ChildProcess) {
    process.on('message', (message: unknown) => {
      this.inbox.push(message);
      this.wake();
    });
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
    process.once('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  static start(file: string, env: Record<string, string> = {}, nodeArgs: string[] = []): TsChild {
    const child = spawn(
      '/bin/sh',
      ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', process.execPath, '--import', 'tsx', ...nodeArgs, file],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] },
    );
    return new TsChild(child);
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  send(message: unknown): void {
    this.process.send?.(message as object);
  }

  /** The next IPC message that parses with `schema` (others are dropped). */
  async receive<T>(schema: z.ZodType<T>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.inbox.length > 0) {
        const parsed = schema.safeParse(this.inbox.shift());
        if (parsed.success) return parsed.data;
      }
      if (this.exitCode !== undefined) throw new Error(`child exited with ${this.exitCode}: ${this.stderr.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`child did not answer in ${timeoutMs} ms: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.process.kill('SIGTERM');
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

/** In a child: send a message to the parent (no-op when run standalone). */
export function toParent(message: unknown): void {
  process.send?.(message as object);
}

/** In a child: the parent's next message that parses with `schema`. */
export function fromParent<T>(schema: z.ZodType<T>): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      const parsed = schema.safeParse(message);
      if (!parsed.success) return;
      process.off('message', onMessage);
      resolve(parsed.data);
    };
    process.on('message', onMessage);
  });
}
