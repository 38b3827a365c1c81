import { FINISH_REASON_TOO_LONG, FINISH_REASON_TOO_SLOW, MAX_MESSAGE_CHARS, type ErrorCode, type Identity, type PresenceData } from '@confab/protocol';
import { RECONNECT_CAUSES, type ChatMessageStatus, type ConnectionStatus } from '@confab/chat-client';

/**
 * Every sentence the conversation view shows, in one place, so the components, the unit
 * tests and the browser tests agree on the words.
 */

export function secondsUntil(until: number | null, now: number): number {
  if (until === null) return 0;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function rateLimitText(seconds: number): string {
  return `You're sending messages too fast. Try again in ${seconds} s.`;
}

/** Words for an error the server (or the client) reported, by code. */
export function errorText(code: ErrorCode, serverMessage: string, secondsLeft: number): string {
  switch (code) {
    case 'RATE_LIMIT':
      return rateLimitText(Math.max(1, secondsLeft));
    case 'AUTH_REQUIRED':
      return 'Sign in to send messages here.';
    case 'AUTH_FAILED':
      return "We couldn't confirm who you are. Reload the page, or sign in again.";
    case 'SESSION_EXPIRED':
      return 'Your session has ended. Sign in again to keep chatting.';
    case 'FORBIDDEN':
      return "You can't post in this conversation.";
    case 'NOT_FOUND':
      return "This conversation doesn't exist, or you don't have access to it.";
    case 'VALIDATION_ERROR':
      return `That message couldn't be sent: ${serverMessage}`;
    case 'MESSAGE_TOO_LONG':
      return `That message is too long. Messages can be at most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters.`;
    case 'CONFLICT':
      return 'That changed somewhere else in the meantime. Reload and try again.';
    case 'NOTHING_TO_STOP':
      return 'That reply had already finished.';
    case 'TOO_MANY_CONNECTIONS':
      return 'This conversation is open in too many tabs or windows. Close a few and reconnect.';
    case 'SERVER_FULL':
      return 'The server is full right now. Reconnecting shortly…';
    case 'SLOW_CONSUMER':
      return 'Your connection fell behind the conversation. Reconnecting…';
    case 'VOICE_NOT_CONFIGURED':
      return 'Voice is not set up on this server.';
    case 'VOICE_DISABLED':
      return 'Voice is off for this agent.';
    case 'INTERNAL_ERROR':
      return 'Something went wrong on our side. Try again in a moment.';
  }
}

/** "Ada is typing…", "Ada and Bo are typing…", "Ada, Bo and Cy are typing…", "Ada, Bo and 3 others are typing…". */
export function typingText(names: readonly string[]): string {
  const [first, second, third] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  if (names.length === 3 && third !== undefined) return `${first}, ${second} and ${third} are typing…`;
  return `${first}, ${second} and ${names.length - 2} others are typing…`;
}

/** How many people the presence line names before it counts the rest ("… and 4 others"). */
const PRESENCE_NAMED = 3;

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
 * Who else has a post's conversation open, for the line under its title: "Here now: Ada, Grace and
 * 3 others · 2 guests". The viewer is left out (as a person, or as one of the guests when they
 * have no account). Null when no one else is there.
 */
export function presenceText(presence: PresenceData, viewer: Identity | null): string | null {
  const isViewer = (person: Identity): boolean => viewer !== null && person.kind === viewer.kind && person.id === viewer.id;
  const viewerIsPerson = viewer?.kind === 'user';
  const named = presence.people.filter((person) => !isViewer(person)).map((person) => person.display_name);
  // The frame a socket gets as it joins is the one from before it counted: a viewer it does not
  // name is not in it, unless it names fewer people than it counts (the viewer may be unnamed).
  const viewerCounted = viewerIsPerson && (named.length < presence.people.length || presence.people.length < presence.people_count);
  const others = Math.max(0, presence.people_count - (viewerCounted ? 1 : 0));
  const guests = Math.max(0, presence.guests - (viewerIsPerson ? 0 : 1));
  const shown = named.slice(0, Math.min(PRESENCE_NAMED, others));
  const rest = others - shown.length;
  const names = rest > 0 ? [...shown, plural(rest, 'other', 'others')] : shown;
  const people = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const parts = [people, guests > 0 ? plural(guests, 'guest', 'guests') : ''].filter((part) => part !== '');
  return parts.length === 0 ? null : `Here now: ${parts.join(' · ')}`;
}

export const OFFLINE_TEXT = "Offline — messages will be sent when you're back";

export interface ConnectionWords {
  text: string;
  /** Whether to offer a button that connects now: "Reconnect" after giving up, "Retry now" during a long wait. */
  canReconnect: boolean;
  reconnectLabel?: 'Reconnect' | 'Retry now';
}

/**
 * The reason worth saying before "Reconnecting" (on the connection line and to a screen reader):
 * one of the short known causes ("Can't reach the chat server.", "Connection lost.", "The server
 * is busy."), else null.
 */
export function reconnectCause(reason: string | null): string | null {
  return reason !== null && RECONNECT_CAUSES.has(reason) ? reason : null;
}

/** From this many seconds of backoff on, waiting is offered a way out (the server may be back already). */
const RETRY_NOW_FROM_S = 3;
/**
 * From this attempt on (its wait is 2–4 s, the next ones longer), "Retry now" stays for the rest of
 * the outage: offered only while 3 s or more were left, it came and went with each countdown, and
 * on a phone the line it shares changed height under the reader's finger.
 */
const RETRY_NOW_FROM_ATTEMPT = 3;

export function connectionWords(args: {
  status: ConnectionStatus;
  online: boolean;
  secondsToRetry: number;
  reason: string | null;
  /** The reconnect attempt being waited for (1 for the first). */
  attempt: number;
}): ConnectionWords {
  const { status, online, secondsToRetry, reason, attempt } = args;
  // The browser knows it is offline before a socket that still looks open finds out.
  if (!online && status !== 'closed') return { text: OFFLINE_TEXT, canReconnect: false };
  if (status === 'open') return { text: 'Connected', canReconnect: false };
  switch (status) {
    case 'connecting':
      return { text: 'Connecting…', canReconnect: false };
    case 'reconnecting': {
      // Why, when the client knows ("Can't reach the chat server.", "Connection lost."), then when
      // (a no-break space: on a phone the "s" went to a line of its own).
      const cause = reconnectCause(reason);
      const text = `${cause !== null ? `${cause} ` : ''}Reconnecting${secondsToRetry > 0 ? ` in ${secondsToRetry}\u00a0s` : '…'}`;
      return secondsToRetry >= RETRY_NOW_FROM_S || attempt >= RETRY_NOW_FROM_ATTEMPT ? { text, canReconnect: true, reconnectLabel: 'Retry now' } : { text, canReconnect: false };
    }
    case 'failed':
      return { text: "Couldn't reconnect. Check your connection, then try again.", canReconnect: true, reconnectLabel: 'Reconnect' };
    case 'closed':
      return { text: reason ?? 'Disconnected', canReconnect: false };
  }
}

/** The small note under a message about where it stands; null when nothing needs saying. */
export function statusNote(status: ChatMessageStatus): string | null {
  switch (status) {
    case 'sending':
      return 'Sending…';
    case 'queued':
      return 'Queued — it will be sent as soon as possible';
    case 'failed':
      return 'Not sent';
    case 'stopped':
      return 'Stopped';
    case 'interrupted':
      return 'Interrupted — the reply was cut off';
    case 'error':
      return "The agent couldn't finish this reply";
    case 'streaming':
    case 'complete':
      return null;
  }
}

/**
 * A finished reply that did not end by itself: the model hit its own token limit, or the chat
 * service cut it off (AGENT_REPLY_MAX_CHARS / AGENT_REPLY_MAX_S). Without a word it would read
 * as the whole answer.
 */
export function cutOffNote(status: ChatMessageStatus, finishReason: string | null): string | null {
  if (status !== 'complete') return null;
  if (finishReason === FINISH_REASON_TOO_LONG) return 'Cut off — the reply reached its length limit';
  if (finishReason === FINISH_REASON_TOO_SLOW) return 'Cut off — the reply took too long';
  return null;
}

/** Under the viewer's question whose reply never started (the server said `unanswered`), before "Try again". */
export const UNANSWERED_NOTE = "The agent couldn't answer this.";
/** Told to a screen reader once, when `UNANSWERED_NOTE` appears under the viewer's question. */
export const UNANSWERED_ANNOUNCEMENT = "The agent couldn't answer your message. Try again is below it.";

/** A message still not acknowledged after `SLOW_SEND_MS`: the server or the network is stuck. */
export const SLOW_SEND_NOTE = 'Not delivered yet — still trying…';
export const SLOW_SEND_MS = 5_000;

/** The counter appears only near the limit, so it does not distract the rest of the time. */
export const COUNTER_THRESHOLD = MAX_MESSAGE_CHARS - 1_000;

export function counterText(length: number): string {
  return `${length.toLocaleString('en-US')} / ${MAX_MESSAGE_CHARS.toLocaleString('en-US')}`;
}

export interface TimeWords {
  /** Short, beside the author: "14:05" today, "Nov 27, 14:05" this year, "Dec 30, 2025, 14:05" before. */
  short: string;
  /** Whole, for the tooltip: "Saturday, November 28, 2026 at 2:05 PM" (in the reader's locale). */
  full: string;
  /** The clock alone, "14:05", whatever the day: beside a message grouped under one that shows the day. */
  clock: string;
}

/**
 * Formatters are costly to build (each holds ICU data, memory V8 must later collect) and a list
 * formats many times: one per locale, zone and shape, built on first use.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string | undefined, timeZone: string | undefined, shape: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${JSON.stringify(shape)}`;
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = new Intl.DateTimeFormat(locale, timeZone === undefined ? shape : { ...shape, timeZone })));
  return found;
}

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const CLOCK_AND_DAY: Intl.DateTimeFormatOptions = { ...CLOCK, month: 'short', day: 'numeric' };
const CLOCK_DAY_AND_YEAR: Intl.DateTimeFormatOptions = { ...CLOCK_AND_DAY, year: 'numeric' };
const WHOLE: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };

/**
 * When a message was written, in the reader's locale and time zone (both injectable for tests).
 * `now` decides how much of the date the short form needs.
 */
export function messageTime(iso: string, now: Date, locale?: string, timeZone?: string): TimeWords | null {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  const [atDay, today] = [calendarDay(at, timeZone), calendarDay(now, timeZone)];
  const shape = atDay === today ? CLOCK : atDay.slice(0, 4) === today.slice(0, 4) ? CLOCK_AND_DAY : CLOCK_DAY_AND_YEAR;
  return {
    short: formatter(locale, timeZone, shape).format(at),
    full: formatter(locale, timeZone, WHOLE).format(at),
    clock: formatter(locale, timeZone, CLOCK).format(at),
  };
}

/** A moment's calendar day in a time zone (the runtime's by default), as "2026-11-28" ('en-CA' writes it so). */
export function calendarDay(at: Date, timeZone?: string): string {
  // The runtime's zone and UTC are read off the date itself: the list asks this twice per row it
  // renders, and Intl's formatting was ~1 ms of the render a reply starts with (CPU profile of
  // `npm run bench -- render`).
  // (Intl writes years before 1 CE as years of the era, and throws on an unreadable date: both left to it.)
  if (timeZone === undefined && at.getFullYear() > 0) return isoDay(at.getFullYear(), at.getMonth(), at.getDate());
  if (timeZone === 'UTC' && at.getUTCFullYear() > 0) return isoDay(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return formatter('en-CA', timeZone, DAY).format(at);
}

function isoDay(year: number, monthFromZero: number, day: number): string {
  return `${year}-${String(monthFromZero + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
