import type { ChatMessage } from '@confab/chat-client';
import { calendarDay } from './words';

/** How long after an author's message their next one still joins it (no avatar, no name line). */
export const GROUP_WITHIN_MS = 5 * 60_000;

/** What decides whether two neighbouring messages group: whatever else a message has does not count. */
export type GroupedFields = Pick<ChatMessage, 'author' | 'created_at' | 'status' | 'error'>;

/**
 * Whether `message` continues `previous` (the message just before it), as chat apps group a run
 * of messages: the same author (kind and id; for agents, also the name they answer as), written
 * within `GROUP_WITHIN_MS` and on the same calendar day (in `timeZone`, the runtime's by default),
 * and neither one failed to send (a failed message stands on its own, with its note and Retry).
 */
export function continuesFrom(previous: GroupedFields | undefined, message: GroupedFields, timeZone?: string): boolean {
  if (!previous) return false;
  if (standsAlone(previous) || standsAlone(message)) return false;
  const [a, b] = [previous.author, message.author];
  if (a.kind !== b.kind || a.id !== b.id) return false;
  if (a.kind === 'agent' && a.display_name !== b.display_name) return false;
  const [then, now] = [new Date(previous.created_at), new Date(message.created_at)];
  const apart = Math.abs(now.getTime() - then.getTime());
  if (!(apart <= GROUP_WITHIN_MS)) return false; // NaN (an unreadable date) does not group either
  return calendarDay(then, timeZone) === calendarDay(now, timeZone);
}

function standsAlone(message: GroupedFields): boolean {
  return message.status === 'failed' || message.error !== null;
}
