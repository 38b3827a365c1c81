import { plainText } from '@confab/protocol';
import type { ChatMessage, ConnectionState } from '@confab/chat-client';
import { reconnectCause, UNANSWERED_ANNOUNCEMENT } from './words';

/**
 * What a screen reader is told as a conversation changes (a polite live region): messages from
 * others as they arrive, an agent's reply once it has finished (not every token), the connection
 * dropping (with its cause when the client knows it) and coming back, and the viewer's question
 * the agent could not answer. Pure: the previous and the next view in, words out.
 */
export interface AnnouncedView {
  messages: readonly ChatMessage[];
  /** The countdown (`nextRetryAt`) is left out: it is not told. */
  connection: Pick<ConnectionState, 'status' | 'reason'>;
  /** The id of the viewer's question shown with "The agent couldn't answer this.", if any. */
  unanswered: string | null;
}

/** Spoken text is cut here: the whole message is in the list for whoever wants to read on. */
export const SPOKEN_MAX_CHARS = 200;

/** Markdown read aloud: plain words (`plainText`), fence lines left out, cut to `SPOKEN_MAX_CHARS`. */
export function spokenText(markdown: string): string {
  // Enough to fill the spoken length after marks are dropped; a long reply is not scanned whole.
  const start = markdown.slice(0, SPOKEN_MAX_CHARS * 4).replace(/^\s*(`{3,}|~{3,}).*$/gm, '');
  const plain = plainText(start);
  return plain.length > SPOKEN_MAX_CHARS ? `${plain.slice(0, SPOKEN_MAX_CHARS - 1).trimEnd()}…` : plain;
}

const FINISHED = new Set<ChatMessage['status']>(['complete', 'stopped', 'interrupted', 'error']);

function said(message: ChatMessage): string {
  const name = message.author.display_name;
  if (message.author.kind === 'agent') {
    if (message.status === 'stopped') return `${name}'s reply was stopped: ${spokenText(message.content)}`;
    if (message.status === 'error' || message.status === 'interrupted') return `${name}'s reply was cut off.`;
    return `${name} replied: ${spokenText(message.content)}`;
  }
  return `${name} said: ${spokenText(message.content)}`;
}

/**
 * The connection's change in words, once per change (not per countdown tick): a drop of an open
 * connection, a reconnect's known cause (`reconnectCause`, as the connection line shows it) when it
 * appears or changes, e.g. a first connect that reaches no server, coming back, giving up. A
 * first connect retrying for a cause the client does not know says nothing.
 */
function connectionChange(before: AnnouncedView['connection'], after: AnnouncedView['connection']): string | null {
  if (after.status === 'reconnecting') {
    const cause = reconnectCause(after.reason);
    if (before.status === 'open') return `${cause ?? 'Connection lost.'} Reconnecting…`;
    const causeBefore = before.status === 'reconnecting' ? reconnectCause(before.reason) : null;
    return cause !== null && cause !== causeBefore ? `${cause} Reconnecting…` : null;
  }
  if (before.status === after.status) return null;
  if (after.status === 'open' && (before.status === 'reconnecting' || before.status === 'failed')) return 'Connected again.';
  if (after.status === 'failed') return "Couldn't reconnect. Use the Reconnect button to try again.";
  return null;
}

/** How far back from the end a reply still streaming is looked for (replies stream near the end). */
const STREAMING_LOOKBACK = 8;

/**
 * Others' messages appended after what `before` ended with (an agent's once finished), and agent
 * replies that were streaming in `before` and have finished since. Older pages loaded at the top
 * are not news.
 */
function newAtTheEnd(before: readonly ChatMessage[], after: readonly ChatMessage[]): ChatMessage[] {
  const previousLast = before.at(-1);
  const start = previousLast === undefined ? -1 : after.findLastIndex((m) => m.key === previousLast.key);
  if (previousLast !== undefined && start < 0) return []; // replaced wholesale (a reload of the list): nothing to tell
  const news: ChatMessage[] = [];
  const statusBefore = new Map(before.slice(-STREAMING_LOOKBACK).map((m) => [m.key, m.status]));
  for (let i = Math.max(0, start - STREAMING_LOOKBACK + 1); i <= start; i++) {
    const message = after[i]!;
    const was = statusBefore.get(message.key);
    if (!message.mine && message.author.kind === 'agent' && was !== undefined && !FINISHED.has(was) && FINISHED.has(message.status)) news.push(message);
  }
  for (const message of after.slice(start + 1)) {
    // A reply is told when it finishes, not when its first token arrives.
    if (!message.mine && (message.author.kind !== 'agent' || FINISHED.has(message.status))) news.push(message);
  }
  return news;
}

/**
 * What `announcement` depends on, as a string that a streamed token (or a countdown's tick)
 * leaves unchanged: the connection and its known cause, the unanswered question, how many messages
 * there are, and the newest ones' keys and statuses (their text is read only once they are worth
 * telling).
 */
export function announcementSignature(view: AnnouncedView): string {
  let signature = `${view.connection.status}|${reconnectCause(view.connection.reason) ?? ''}|${view.unanswered ?? ''}|${view.messages.length}`;
  for (let i = Math.max(0, view.messages.length - STREAMING_LOOKBACK); i < view.messages.length; i++) {
    const m = view.messages[i]!;
    signature += `|${m.key}:${m.status}`;
  }
  return signature;
}

/** What to tell a screen reader about the change from `before` to `after`; null when nothing. */
export function announcement(before: AnnouncedView, after: AnnouncedView): string | null {
  const parts: string[] = [];
  const connection = connectionChange(before.connection, after.connection);
  if (connection) parts.push(connection);

  if (after.messages !== before.messages) {
    const news = newAtTheEnd(before.messages, after.messages);
    if (news.length === 1) parts.push(said(news[0]!));
    else if (news.length > 1) parts.push(`${news.length} new messages. The latest: ${said(news[news.length - 1]!)}`);
  }
  if (after.unanswered !== null && after.unanswered !== before.unanswered) parts.push(UNANSWERED_ANNOUNCEMENT);
  return parts.length > 0 ? parts.join(' ') : null;
}
