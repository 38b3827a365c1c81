import type WebSocket from 'ws';
import { toParent } from '../lib/child';
import { Command } from './messages';
import { runFanout } from './fanout-run';
import { openMany, SocketFactory } from './sockets';

/**
 * The load generator: a separate process holding the client sockets, so the server under test
 * never shares its event loop with them. Driven over IPC by the benchmark (see `messages.ts`).
 */

const receivers: WebSocket[] = [];

async function handle(raw: unknown): Promise<void> {
  const parsed = Command.safeParse(raw);
  if (!parsed.success) return;
  const cmd = parsed.data;
  try {
    if (cmd.type === 'connect') {
      const started = Date.now();
      const { sockets, errors } = await openMany(new SocketFactory(cmd.target), cmd.count, cmd.concurrency);
      receivers.push(...sockets);
      toParent({ type: 'connected', open: receivers.length, failed: errors.length, errors: [...new Set(errors)].slice(0, 5), seconds: (Date.now() - started) / 1000 });
    } else if (cmd.type === 'fanout') {
      toParent(await runFanout(cmd, receivers));
    } else {
      for (const r of receivers.splice(0)) r.terminate();
      toParent({ type: 'closed' });
    }
  } catch (error) {
    toParent({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
}

process.on('message', (message: unknown) => void handle(message));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
