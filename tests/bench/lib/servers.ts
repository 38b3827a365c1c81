import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { startChatService, type RunningChatService } from '../../support/chat-service';
import { ROOT, TsChild } from './child';
import { treeRss } from './proc';

/** Servers under test: the bare `ws` baseline and the real chat service, each in its own process. */

export interface ServerUnderTest {
  name: string;
  pid: number;
  rss(): number;
  /** V8 heap used, when the server can tell (bare: IPC; chat service: Prometheus metrics). */
  heapUsed(): Promise<number | null>;
  stop(): Promise<void>;
}

const Listening = z.object({ type: z.literal('listening'), port: z.number() });
const Stats = z.object({ type: z.literal('stats'), rss: z.number(), heapUsed: z.number(), connections: z.number() });

export interface BareServer extends ServerUnderTest {
  wsUrl(conversationId: string): string;
}

export async function startBare(): Promise<BareServer> {
  const child = TsChild.start(path.join(ROOT, 'tests/bench/bare-ws-server.ts'));
  const { port } = await child.receive(Listening, 30_000);
  return {
    name: 'bare ws',
    pid: child.pid,
    rss: () => treeRss(child.pid),
    async heapUsed() {
      child.send({ type: 'stats' });
      return (await child.receive(Stats, 10_000)).heapUsed;
    },
    wsUrl: (conversationId) => `ws://127.0.0.1:${port}/ws/v1/conversation/${conversationId}/`,
    stop: () => child.stop(),
  };
}

/** Why the chat service cannot run yet (its entry point not written), or null. */
export function chatServiceMissing(): string | null {
  for (const file of ['libs/chat-service/src/main.ts', 'libs/chat-service/src/server.ts']) {
    if (!existsSync(path.join(ROOT, file))) return `${file} does not exist yet`;
  }
  return null;
}

export interface ConfabServer extends ServerUnderTest {
  service: RunningChatService;
  internalToken: string;
}

export async function startConfab(env: Record<string, string> = {}): Promise<ConfabServer> {
  const service = await startChatService({ env });
  return {
    name: 'Confab',
    pid: service.process.pid ?? -1,
    service,
    internalToken: service.env.CHAT_SERVICE_INTERNAL_TOKEN ?? '',
    rss: () => treeRss(service.process.pid ?? -1),
    async heapUsed() {
      try {
        const res = await fetch(`${service.httpUrl}/metrics`);
        if (!res.ok) return null;
        const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(await res.text());
        return match ? Number(match[1]) : null;
      } catch {
        return null;
      }
    },
    stop: async () => {
      await service.stop();
    },
  };
}
