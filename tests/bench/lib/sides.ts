import { randomUUID } from 'node:crypto';
import type { Target } from '../load/messages';
import { ConfabApi, type Session } from './confab-api';
import { startBare, startConfab, type ServerUnderTest } from './servers';

/**
 * A side of a comparison: a server under test plus how clients reach one conversation on it.
 * For the chat service that means real identities: visitors (cheap, no password hashing) read the
 * post's shared conversation; signed-in users send (each under the per-identity message limit).
 */

/** Sockets opened per identity, and per ticket (tickets live 60 s and may open several sockets). */
export const SOCKETS_PER_IDENTITY = 10;

/**
 * The load generator stands in for thousands of people but connects from four loopback addresses,
 * so the per-address socket limit (an abuse guard, 200 by default) must not count them as one client.
 */
const BENCH_LIMITS = { WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000' };

export interface Side {
  server: ServerUnderTest;
  receivers(count: number): Promise<Target>;
  senders(count: number): Promise<Target>;
}

export async function bareSide(): Promise<Side> {
  const server = await startBare();
  const url = server.wsUrl(randomUUID());
  const target: Target = { kind: 'bare', wsUrl: url };
  return { server, receivers: async () => target, senders: async () => target };
}

/** `env` adds to the chat service's environment (e.g. NODE_OPTIONS=--cpu-prof to profile it under load). */
export async function confabSide(env: Record<string, string> = {}): Promise<Side> {
  const server = await startConfab({ ...BENCH_LIMITS, ...env });
  const api = new ConfabApi(server.service.httpUrl);
  const post = (await api.posts())[0];
  if (!post) {
    await server.stop();
    throw new Error('the chat service has no seeded post');
  }
  const target = (sessions: Session[]): Target => ({
    kind: 'confab',
    httpUrl: server.service.httpUrl,
    wsBase: server.service.wsBase,
    conversationId: post.conversation_id,
    sessions,
    // A ticket opens one socket (as each browser tab fetches its own for every connect).
    socketsPerTicket: 1,
  });
  return {
    server,
    receivers: async (count) => target(await api.visitors(Math.ceil(count / SOCKETS_PER_IDENTITY))),
    senders: async (count) => target(await api.users(count, 'sender')),
  };
}
