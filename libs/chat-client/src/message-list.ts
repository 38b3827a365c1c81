import type { Identity, Message, ReplyAsker } from '@confab/protocol';
import type { ChatMessage } from './types';

/**
 * Pure helpers over the ordered message list. Invariants kept by every function here:
 * - one entry per server id (stored messages are keyed by id, so re-deliveries never duplicate);
 * - one entry per client_message_id, local or stored: our message is the same message whether it
 *   comes back as an ack, a broadcast, a sync or history page, or the server-rendered history
 *   after a reload (key = client_message_id while local, the server id once stored);
 * - stored messages sorted by seq, then local unacknowledged ones in the order they were written;
 * - `mine`: local messages always; stored ones when their author is the viewer's identity.
 */

export interface OutboxEntry {
  client_message_id: string;
  content: string;
  created_at: string;
}

const FINAL_STATUSES: ReadonlySet<ChatMessage['status']> = new Set(['complete', 'stopped', 'interrupted', 'error']);

export const isLocal = (message: ChatMessage): boolean => message.id === null;
export const isFinal = (message: ChatMessage): boolean => FINAL_STATUSES.has(message.status);

export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
  if (a.seq !== null) return -1;
  if (b.seq !== null) return 1;
  return 0; // both local: Array.prototype.sort is stable, so send order is kept
}

export const sortMessages = (messages: readonly ChatMessage[]): ChatMessage[] => [...messages].sort(compareMessages);

/**
 * `messages` (in order) with `message` added where the order puts it, as `sortMessages` would (after
 * any it ties with). A new message goes at or near the end, so its place is looked for from there:
 * one copy of the list instead of a sort of all 5,000 messages of a long thread, which was ~3 ms of
 * the frame a reply starts in (CPU profile of `npm run bench -- render`).
 */
export function insertInOrder(messages: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  let at = messages.length;
  while (at > 0 && compareMessages(messages[at - 1] as ChatMessage, message) > 0) at -= 1;
  return [...messages.slice(0, at), message, ...messages.slice(at)];
}

/** `messages` (in order) with the entry at `index` replaced by `message`, moved to where the order puts it. */
export function replaceInOrder(messages: readonly ChatMessage[], index: number, message: ChatMessage): ChatMessage[] {
  return insertInOrder(removeAt(messages, index), message);
}

/** Searched from the end: what changes (a streaming reply, a fresh message) is almost always last. */
export const indexById = (messages: readonly ChatMessage[], id: string): number =>
  messages.findLastIndex((m) => m.id === id);

export const indexOfLocal = (messages: readonly ChatMessage[], clientMessageId: string): number =>
  messages.findIndex((m) => isLocal(m) && m.client_message_id === clientMessageId);

/** Any entry (local or stored) carrying this client_message_id. */
export const indexByClientMessageId = (messages: readonly ChatMessage[], clientMessageId: string): number =>
  messages.findIndex((m) => m.client_message_id === clientMessageId);

export function isOwnAuthor(author: Message['author'], identity: Identity | null): boolean {
  return identity !== null && author.id === identity.id && author.kind === identity.kind;
}

/**
 * Whether the viewer wrote a stored message. The one rule for "You": the author is the identity we
 * know (the socket's, or the server render's before it connects). With no identity known yet, a
 * message that replaces our own local copy is still ours.
 */
export function isMineStored(author: Message['author'], identity: Identity | null, wasOurs: boolean): boolean {
  return identity === null ? wasOurs : isOwnAuthor(author, identity);
}

export function fromStored(message: Message, mine: boolean): ChatMessage {
  return {
    key: message.id,
    id: message.id,
    client_message_id: message.client_message_id,
    seq: message.seq,
    author: message.author,
    content: message.content,
    status: message.status,
    source: message.source,
    model: message.model,
    finish_reason: message.finish_reason,
    usage: message.usage,
    created_at: message.created_at,
    error: null,
    mine,
    ...(message.asked_by ? { askedBy: message.asked_by } : {}),
  };
}

/** Who a message we write is shown as before the server stores it. */
export function localAuthor(identity: Identity | null): Message['author'] {
  return identity
    ? { kind: identity.kind, id: identity.id, display_name: identity.display_name }
    : { kind: 'user', id: null, display_name: 'You' };
}

export function fromOutbox(entry: OutboxEntry, identity: Identity | null, status: 'queued' | 'sending'): ChatMessage {
  return {
    key: entry.client_message_id,
    id: null,
    client_message_id: entry.client_message_id,
    seq: null,
    author: localAuthor(identity),
    content: entry.content,
    status,
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: entry.created_at,
    error: null,
    mine: true,
  };
}

/** A placeholder for an agent reply we first hear about from `stream`/`done` (late join). */
export function agentPlaceholder(fields: {
  id: string;
  seq: number;
  content: string;
  createdAt: string;
  askedBy?: ReplyAsker;
}): ChatMessage {
  return {
    key: fields.id,
    id: fields.id,
    client_message_id: null,
    seq: fields.seq,
    author: { kind: 'agent', id: null, display_name: 'Agent' },
    content: fields.content,
    status: 'streaming',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: fields.createdAt,
    error: null,
    mine: false,
    ...(fields.askedBy ? { askedBy: fields.askedBy } : {}),
  };
}

/**
 * Merge one stored message (from `message`, `sync`, history or the server render) into the list.
 * - same server id: update it, but never let a stale copy undo progress (a `streaming` copy
 *   arriving after `done`, or a shorter text than one already shown);
 * - else an entry with the same client_message_id (our local copy, or a copy stored under another
 *   id by a resend): the incoming copy replaces it, so one message is never two bubbles;
 * - else: a new message.
 */
export function mergeStoredMessage(
  messages: readonly ChatMessage[],
  incoming: Message,
  identity: Identity | null,
): ChatMessage[] {
  const byId = indexById(messages, incoming.id);
  if (byId >= 0) {
    const existing = messages[byId] as ChatMessage;
    const merged = preferProgress(existing, incoming, isMineStored(incoming.author, identity, existing.mine));
    if (merged === existing) return messages as ChatMessage[];
    return replaceAt(messages, byId, merged);
  }
  const sameClientId = incoming.client_message_id === null ? -1 : indexByClientMessageId(messages, incoming.client_message_id);
  if (sameClientId >= 0) {
    const existing = messages[sameClientId] as ChatMessage;
    const mine = isMineStored(incoming.author, identity, existing.mine);
    return replaceInOrder(messages, sameClientId, fromStored(incoming, mine));
  }
  return insertInOrder(messages, fromStored(incoming, isMineStored(incoming.author, identity, false)));
}

/**
 * `mergeStoredMessage` for a whole page (sync, history, the server render): one pass with id and
 * client_message_id indexes and one sort, instead of a search and a sort per message — a sync of
 * a 5,000-message thread is one page of work, not 5,000.
 */
export function mergeStoredMessages(
  messages: readonly ChatMessage[],
  incoming: readonly Message[],
  identity: Identity | null,
): ChatMessage[] {
  if (incoming.length === 0) return messages as ChatMessage[];
  if (incoming.length === 1) return mergeStoredMessage(messages, incoming[0] as Message, identity);
  const next = [...messages];
  const byId = new Map<string, number>();
  const byClientId = new Map<string, number>();
  next.forEach((m, i) => {
    if (m.id !== null) byId.set(m.id, i);
    if (m.client_message_id !== null) byClientId.set(m.client_message_id, i);
  });
  let changed = false;
  let reorder = false;
  for (const m of incoming) {
    let index = byId.get(m.id) ?? (m.client_message_id === null ? undefined : byClientId.get(m.client_message_id));
    if (index === undefined) {
      index = next.length;
      next.push(fromStored(m, isMineStored(m.author, identity, false)));
      reorder = true;
    } else {
      const existing = next[index] as ChatMessage;
      const mine = isMineStored(m.author, identity, existing.mine);
      const merged = existing.id === m.id ? preferProgress(existing, m, mine) : fromStored(m, mine);
      if (merged === existing) continue;
      if (existing.id !== m.id) reorder = true;
      next[index] = merged;
    }
    changed = true;
    byId.set(m.id, index);
    if (m.client_message_id !== null) byClientId.set(m.client_message_id, index);
  }
  if (!changed) return messages as ChatMessage[];
  return reorder ? sortMessages(next) : next;
}

function preferProgress(existing: ChatMessage, incoming: Message, mine: boolean): ChatMessage {
  if (isFinal(existing) && incoming.status === 'streaming') return existing.mine === mine ? existing : { ...existing, mine };
  // Who asked is said while the reply streams, never by history: a stored copy must not forget it.
  const stored = fromStored(incoming, mine);
  const next = stored.askedBy === undefined && existing.askedBy !== undefined ? { ...stored, askedBy: existing.askedBy } : stored;
  if (incoming.status === 'streaming' && existing.content.length > incoming.content.length) {
    return { ...next, content: existing.content };
  }
  return next;
}

export function replaceAt(messages: readonly ChatMessage[], index: number, message: ChatMessage): ChatMessage[] {
  const copy = [...messages];
  copy[index] = message;
  return copy;
}

export function removeAt(messages: readonly ChatMessage[], index: number): ChatMessage[] {
  return [...messages.slice(0, index), ...messages.slice(index + 1)];
}

/*
 * The seq helpers below read the list from its end and stop where the order says nothing further
 * can count (stored messages are in seq order, local ones after them): a message that arrives in a
 * 5,000-message thread is a few steps of work, not a pass over the thread (the frames a reply
 * starts and ends in, `npm run bench -- render`).
 */

/** Advance `from` while the next seq is held: lastSeq only ever moves over messages we have. */
export function advanceContiguous(from: number, messages: readonly ChatMessage[]): number {
  const held = new Set<number>();
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const seq = (messages[i] as ChatMessage).seq;
    if (seq === null) continue;
    if (seq <= from) break;
    held.add(seq);
  }
  let seq = from;
  while (held.has(seq + 1)) seq += 1;
  return seq;
}

/** The highest seq held (0 when none is). */
export function highestSeq(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const seq = (messages[i] as ChatMessage).seq;
    if (seq !== null) return Math.max(0, seq);
  }
  return 0;
}

export function lowestSeq(messages: readonly ChatMessage[]): number | null {
  let min: number | null = null;
  for (const m of messages) if (m.seq !== null && (min === null || m.seq < min)) min = m.seq;
  return min;
}
