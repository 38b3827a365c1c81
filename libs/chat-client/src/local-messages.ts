import type { ErrorCode } from '@confab/protocol';
import { fromOutbox, indexOfLocal, isLocal, removeAt, replaceAt, type OutboxEntry } from './message-list';
import type { ConversationStoreState } from './reducer';
import type { ChatMessage } from './types';

/**
 * The messages this browser wrote and the server has not stored yet (pure, part of the reducer):
 * shown as soon as written, `queued` while they cannot go out, `sending` once on the wire,
 * `failed` when refused; one bubble per client_message_id, however often they are retried.
 */

export function addLocal(state: ConversationStoreState, entry: OutboxEntry, status: 'queued' | 'sending'): ConversationStoreState {
  const existing = state.messages.findIndex((m) => m.client_message_id === entry.client_message_id);
  if (existing >= 0) {
    const current = state.messages[existing] as ChatMessage;
    // Retrying a failed message keeps its bubble; a stored one is already delivered.
    if (!isLocal(current)) return state;
    return { ...state, messages: replaceAt(state.messages, existing, { ...current, status, error: null }) };
  }
  return { ...state, messages: [...state.messages, fromOutbox(entry, state.identity, status)] };
}

export function setLocalStatus(
  state: ConversationStoreState,
  clientMessageIds: readonly string[],
  status: 'queued' | 'sending',
): ConversationStoreState {
  const wanted = new Set(clientMessageIds);
  let changed = false;
  const messages = state.messages.map((m) => {
    if (!isLocal(m) || m.client_message_id === null || !wanted.has(m.client_message_id) || m.status === status) return m;
    changed = true;
    return { ...m, status, error: null };
  });
  return changed ? { ...state, messages } : state;
}

export function markLocalFailed(
  state: ConversationStoreState,
  clientMessageId: string,
  error: { code: ErrorCode; message: string },
): ConversationStoreState {
  const index = indexOfLocal(state.messages, clientMessageId);
  if (index < 0) return state;
  const local = state.messages[index] as ChatMessage;
  return { ...state, messages: replaceAt(state.messages, index, { ...local, status: 'failed', error }) };
}

export function discardLocal(state: ConversationStoreState, clientMessageId: string): ConversationStoreState {
  const index = indexOfLocal(state.messages, clientMessageId);
  return index < 0 ? state : { ...state, messages: removeAt(state.messages, index) };
}
