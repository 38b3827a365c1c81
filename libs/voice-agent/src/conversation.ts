import { inDialogueOrder, MAX_MESSAGE_CHARS, type AgentPersona, type InternalMessageBody, type Message } from '@confab/protocol';
import { DispatchMetadata } from '@confab/livekit/server';

/** Pure translation between the chat service's world and the agent framework's. */

export type ParsedMetadata = { ok: true; value: DispatchMetadata } | { ok: false; reason: string };

/** The job metadata the room token's RoomAgentDispatch carries: `{"threadId": "...", "postSlug": "..."}`. */
export function parseJobMetadata(raw: string | undefined): ParsedMetadata {
  if (!raw) return { ok: false, reason: 'the job has no metadata' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'the job metadata is not JSON' };
  }
  const parsed = DispatchMetadata.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `the job metadata is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  return { ok: true, value: parsed.data };
}

/**
 * Spoken replies differ from written ones only in delivery; the persona's instructions (the same
 * system prompt the text agent uses) come first and unchanged.
 */
export const VOICE_DELIVERY_NOTE =
  'You are now talking with the person by voice. Your words are spoken aloud: answer in short, natural sentences, ' +
  'without markdown, lists, code blocks, links or emoji. Earlier messages in this conversation may have been typed.';

export function buildInstructions(persona: Pick<AgentPersona, 'instructions'>): string {
  const base = persona.instructions.trim();
  return base ? `${base}\n\n${VOICE_DELIVERY_NOTE}` : VOICE_DELIVERY_NOTE;
}

export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Stored messages → chat context turns, in the order of the dialogue (`inDialogueOrder`): each
 * typed reply right after the message it answers, though queued messages (Q1, Q2, Q3 sent while
 * answer-1 streamed) put it later by seq; of a retried reply only the newest attempt counts, and a
 * reply to a message older than `history` is left out. Only finished text counts: replies still
 * streaming or that failed would teach the model something that was never said (they are dropped
 * before ordering, so a failed retry does not hide the answer before it). Stopped/interrupted
 * replies keep what was said. System notices are not part of the dialogue. `limit`: the newest turns.
 */
export function historyToTurns(history: readonly Message[], limit: number): HistoryTurn[] {
  const said = history.filter((m) => m.status !== 'streaming' && m.status !== 'error' && m.author.kind !== 'system');
  const turns: HistoryTurn[] = [];
  for (const m of inDialogueOrder(said)) {
    const content = m.content.trim();
    if (!content) continue;
    turns.push({ role: m.author.kind === 'agent' ? 'assistant' : 'user', content });
  }
  return limit === 0 ? [] : turns.slice(-limit);
}

/** What the agent framework tells us about a conversation item (a subset of its ChatMessage). */
export interface ConversationTurn {
  id: string;
  role: string;
  text: string | undefined;
}

/** Idempotency keys are derived from the framework's item ids, so a retried POST is stored once. */
export function clientMessageIdFor(itemId: string): string {
  return `voice:${itemId}`.slice(0, 128);
}

/**
 * A final user or agent turn → the internal API body; null for anything else (system and
 * developer items, empty turns). Long agent answers are cut at the message limit.
 */
export function turnToMessageBody(turn: ConversationTurn): InternalMessageBody | null {
  if (turn.role !== 'user' && turn.role !== 'assistant') return null;
  const text = (turn.text ?? '').trim();
  if (!text) return null;
  return {
    role: turn.role === 'user' ? 'user' : 'agent',
    content: text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text,
    source: 'voice',
    client_message_id: clientMessageIdFor(turn.id),
  };
}
