import { randomUUID } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import { z } from 'zod';
import { toParent } from './lib/child';

/**
 * The baseline: a bare `ws` broadcast server doing the same per-frame work as the chat service's
 * hot path with nothing else (no auth, no database, no validation library): JSON-parse every
 * frame, answer `sync` with an empty page, and for `action next` send an `ack` to the sender and
 * broadcast a `message` frame shaped like Confab's to every socket of the conversation.
 * Run as a child process; reports `{ type: 'listening', port }` and answers `{ type: 'stats' }`.
 */

const ParentMessage = z.object({ type: z.literal('stats') });
const Incoming = z.object({ event: z.string(), data: z.record(z.string(), z.unknown()).optional() });

const conversations = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });

function messageFrame(conversationId: string, seq: number, data: Record<string, unknown>): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    event: 'message',
    data: {
      message: {
        id: randomUUID(),
        conversation_id: conversationId,
        seq,
        client_message_id: typeof data.client_message_id === 'string' ? data.client_message_id : null,
        author: { kind: 'user', id: randomUUID(), display_name: 'Bench sender' },
        content: typeof data.message === 'string' ? data.message : '',
        status: 'complete',
        source: 'text',
        model: null,
        finish_reason: null,
        usage: null,
        created_at: now,
      },
    },
  });
}

wss.on('connection', (socket, request) => {
  const match = /^\/ws\/v1\/conversation\/([^/]+)\//.exec(request.url ?? '');
  const conversationId = match?.[1] ?? 'unknown';
  let members = conversations.get(conversationId);
  if (!members) {
    members = new Set();
    conversations.set(conversationId, members);
  }
  const group = members;
  group.add(socket);
  socket.on('close', () => group.delete(socket));
  socket.send(
    JSON.stringify({
      event: 'connected',
      data: {
        connection_id: randomUUID(),
        conversation_id: conversationId,
        identity: null,
        last_seq: seqs.get(conversationId) ?? 0,
        can_write: true,
        server_time: new Date().toISOString(),
      },
    }),
  );
  socket.on('message', (raw, isBinary) => {
    if (isBinary) return;
    const text = raw.toString();
    if (text === 'ping') return socket.send('pong');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return socket.send(JSON.stringify({ event: 'error', data: { code: 'VALIDATION_ERROR', message: 'Frame is not valid JSON.' } }));
    }
    const frame = Incoming.safeParse(json);
    if (!frame.success) return;
    const data = frame.data.data ?? {};
    if (frame.data.event === 'sync') {
      const lastSeq = seqs.get(conversationId) ?? 0;
      socket.send(JSON.stringify({ event: 'sync', data: { conversation_id: conversationId, messages: [], has_more: false, last_seq: lastSeq } }));
    } else if (frame.data.event === 'action' && data.action === 'next') {
      const seq = (seqs.get(conversationId) ?? 0) + 1;
      seqs.set(conversationId, seq);
      const out = messageFrame(conversationId, seq, data);
      socket.send(JSON.stringify({ event: 'ack', data: { client_message_id: data.client_message_id, message_id: randomUUID(), seq, duplicate: false } }));
      for (const member of group) if (member.readyState === WebSocket.OPEN) member.send(out);
    }
  });
});

wss.on('listening', () => {
  const address = wss.address();
  toParent({ type: 'listening', port: address !== null && typeof address === 'object' ? address.port : 0 });
});

process.on('message', (message: unknown) => {
  if (!ParentMessage.safeParse(message).success) return;
  const m = process.memoryUsage();
  toParent({ type: 'stats', rss: m.rss, heapUsed: m.heapUsed, connections: wss.clients.size });
});

const shutdown = (): void => {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
