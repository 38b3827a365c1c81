/**
 * "Jump to latest", shown while the reader is scrolled away from the end, says how many messages
 * arrived below since they left it: "3 new messages ↓". Messages are counted, not tokens: a reply
 * that was already there and keeps growing is no new message, and the button then says
 * "Jump to latest".
 */

/**
 * How many messages sit below the one that was last when the reader scrolled away (`lastSeenKey`,
 * a row key). 0 when nothing was there then, or when that message is gone from the list.
 * Searched from the end: what arrived since is the short tail of a long thread.
 */
export function countNewBelow(keys: readonly string[], lastSeenKey: string | null): number {
  if (lastSeenKey === null) return 0;
  const at = keys.lastIndexOf(lastSeenKey);
  return at === -1 ? 0 : keys.length - 1 - at;
}

export interface JumpLabel {
  /** What the button shows (before its ↓). */
  text: string;
  /** Its accessible name: the words shown, then what pressing it does (still "Jump to latest"). */
  name: string;
}

export function jumpLabel(newMessages: number): JumpLabel {
  if (newMessages <= 0) return { text: 'Jump to latest', name: 'Jump to latest' };
  const text = newMessages === 1 ? '1 new message' : `${newMessages.toLocaleString('en-US')} new messages`;
  return { text, name: `${text}. Jump to latest` };
}
