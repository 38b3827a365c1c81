import path from 'node:path';
import { z } from 'zod';
import { ClosedReply, ConnectedReply, FailedReply, FanoutReply, type FanoutCommand, type Target } from '../load/messages';
import { ROOT, TsChild } from './child';

/** The parent's handle on a load-generating child process (`load/clients.ts`). */
export class LoadGenerator {
  private constructor(private readonly child: TsChild) {}

  static start(): LoadGenerator {
    return new LoadGenerator(TsChild.start(path.join(ROOT, 'tests/bench/load/clients.ts'), {}, ['--max-old-space-size=4096']));
  }

  get pid(): number {
    return this.child.pid;
  }

  private async ask<T>(command: unknown, schema: z.ZodType<T>, timeoutMs: number): Promise<T> {
    this.child.send(command);
    const reply = await this.child.receive(z.union([schema, FailedReply]), timeoutMs);
    const failed = FailedReply.safeParse(reply);
    if (failed.success) throw new Error(failed.data.error);
    return reply as T;
  }

  connect(target: Target, count: number, concurrency = 64): Promise<ConnectedReply> {
    return this.ask({ type: 'connect', target, count, concurrency }, ConnectedReply, 180_000);
  }

  fanout(cmd: Omit<FanoutCommand, 'type'>): Promise<FanoutReply> {
    return this.ask({ type: 'fanout', ...cmd }, FanoutReply, (cmd.durationS + 60) * 1000 + cmd.drainMs);
  }

  async close(): Promise<void> {
    try {
      await this.ask({ type: 'close' }, ClosedReply, 30_000);
    } finally {
      await this.child.stop();
    }
  }
}
