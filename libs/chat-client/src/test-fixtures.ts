import type { Identity, Message, ServerFrame } from '@confab/protocol';
import type { FrameScheduler } from './store';

/** Builders for protocol frames in tests; every frame is valid per the protocol's zod schemas. */

export const CONVERSATION_ID = '0b6f3c1e-4a3b-4c7e-9a55-1f2e3d4c5b6a';
export const ME: Identity = { kind: 'user', id: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', display_name: 'Ada' };
export const OTHER: Identity = { kind: 'user', id: '6e2d3c4b-5f60-4b7c-9d8e-0f1a2b3c4d5e', display_name: 'Grace' };
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A deterministic UUID per number, so tests read as "message 3". */
export const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const cid = (n: number): string => `client-${String(n).padStart(4, '0')}`;

export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: uuid(seq),
    conversation_id: CONVERSATION_ID,
    seq,
    client_message_id: null,
    author: { kind: OTHER.kind, id: OTHER.id, display_name: OTHER.display_name },
    content: `message ${seq}`,
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: new Date(T0 + seq * 1000).toISOString(),
    ...overrides,
  };
}

export const agentMessage = (seq: number, overrides: Partial<Message> = {}): Message =>
  message(seq, {
    author: { kind: 'agent', id: null, display_name: 'Demo agent' },
    status: 'streaming',
    content: '',
    model: 'demo',
    ...overrides,
  });

export const frames = {
  connected: (lastSeq: number, overrides: { can_write?: boolean; identity?: Identity | null } = {}): ServerFrame => ({
    event: 'connected',
    data: {
      connection_id: 'conn-1',
      conversation_id: CONVERSATION_ID,
      identity: overrides.identity === undefined ? ME : overrides.identity,
      last_seq: lastSeq,
      can_write: overrides.can_write ?? true,
      server_time: new Date(T0).toISOString(),
    },
  }),
  ack: (clientMessageId: string, seq: number, duplicate = false): ServerFrame => ({
    event: 'ack',
    data: { client_message_id: clientMessageId, message_id: uuid(seq), seq, duplicate },
  }),
  message: (m: Message): ServerFrame => ({ event: 'message', data: { message: m } }),
  /** A frame with the reply's whole text (a connection's first for the reply, or a snapshot). */
  stream: (seq: number, content: string, delta = ''): ServerFrame => ({
    event: 'stream',
    data: { message_id: uuid(seq), conversation_id: CONVERSATION_ID, seq, delta, offset: content.length - delta.length, content },
  }),
  /** A frame with only the text after the first `offset` characters. */
  streamDelta: (seq: number, delta: string, offset: number): ServerFrame => ({
    event: 'stream',
    data: { message_id: uuid(seq), conversation_id: CONVERSATION_ID, seq, delta, offset },
  }),
  done: (seq: number, content: string, status: 'complete' | 'stopped' | 'interrupted' | 'error' = 'complete'): ServerFrame => ({
    event: 'done',
    data: {
      message_id: uuid(seq),
      conversation_id: CONVERSATION_ID,
      seq,
      status,
      content,
      finish_reason: status === 'complete' ? 'stop' : status,
      usage: { prompt_tokens: 3, completion_tokens: 5 },
      model: 'demo',
    },
  }),
  typing: (who: Identity, state: 'start' | 'stop'): ServerFrame => ({
    event: 'typing',
    data: { conversation_id: CONVERSATION_ID, who, state },
  }),
  sync: (messages: Message[], lastSeq: number, hasMore = false): ServerFrame => ({
    event: 'sync',
    data: { conversation_id: CONVERSATION_ID, messages, has_more: hasMore, last_seq: lastSeq },
  }),
  error: (
    code: 'RATE_LIMIT' | 'VALIDATION_ERROR' | 'NOT_FOUND' | 'INTERNAL_ERROR' | 'NOTHING_TO_STOP',
    extra: { retry_after_s?: number; client_message_id?: string; message_id?: string; message?: string } = {},
  ): ServerFrame => ({
    event: 'error',
    data: {
      code,
      message: extra.message ?? `${code} happened`,
      retry_after_s: extra.retry_after_s,
      client_message_id: extra.client_message_id,
      ...(extra.message_id !== undefined && { message_id: extra.message_id }),
    },
  }),
};

/** A scheduler a test fires by hand ("the next animation frame", "the end of this task"). */
export function manualFrames(): { schedule: FrameScheduler; fire: () => void; pending: () => number } {
  let queue: Array<() => void> = [];
  return {
    schedule: (callback) => {
      queue.push(callback);
      return () => {
        queue = queue.filter((c) => c !== callback);
      };
    },
    fire: () => {
      const due = queue;
      queue = [];
      due.forEach((c) => c());
    },
    pending: () => queue.length,
  };
}
