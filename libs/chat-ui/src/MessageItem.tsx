'use client';

import { memo, useEffect, useRef, useState, type RefObject } from 'react';
import { useLiveContent, type ChatMessage, type LiveContent } from '@confab/chat-client';
import { COPY_LABEL, useCopy } from './copy';
import { Markdown } from './Markdown';
import { LocalTime } from './LocalTime';
import { SLOW_SEND_MS, SLOW_SEND_NOTE, statusNote } from './words';
import styles from './conversation.module.css';

export interface MessageItemProps {
  message: ChatMessage;
  /** Position in the whole conversation (the list is virtualized: not every row is rendered). */
  index: number;
  setSize: number;
  /** The virtualizer's measuring ref: rows have the height their content needs. */
  measureRef?: (element: HTMLLIElement | null) => void;
  onRetry?: (message: ChatMessage) => void;
  /** Given to the one reply the viewer may have answered again (it failed or was cut off). */
  onRetryReply?: (message: ChatMessage) => boolean;
  /** Where a streaming reply's text is read from, so a token re-renders the text alone. */
  liveContent?: LiveContent;
}

function initials(name: string): string {
  return name.trim().charAt(0).toUpperCase() || '?';
}

function MessageItemView({ message, index, setSize, measureRef, onRetry, onRetryReply, liveContent }: MessageItemProps) {
  // "You" is decided once, in the chat-client reducer (local copies and the viewer's stored messages).
  const { author, status, mine } = message;
  const isAgent = author.kind === 'agent';
  const note = statusNote(status);
  const side = mine ? styles.mine : styles.theirs;
  const bubble = useRef<HTMLDivElement>(null);

  return (
    <li
      ref={measureRef}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`${styles.message} ${side} ${isAgent ? styles.agent : ''}`}
      data-status={status}
      data-author-kind={author.kind}
      data-mine={mine ? 'true' : undefined}
      aria-busy={status === 'streaming' || status === 'sending' ? true : undefined}
    >
      {!mine && (
        <span className={styles.avatar} aria-hidden="true">
          {initials(author.display_name)}
        </span>
      )}
      <div className={styles.body}>
        <div className={styles.meta}>
          {/* "You" is implied by the side: kept for screen readers, not shown. */}
          <span className={mine ? 'sr-only' : styles.author}>{mine ? 'You' : author.display_name}</span>
          {message.model === 'demo' && <span className={styles.badge}>Demo agent</span>}
          {message.source === 'voice' && <span className={styles.badgeMuted}>Voice</span>}
          <LocalTime iso={message.created_at} className={styles.time} />
        </div>
        <div className={styles.bubble} ref={bubble}>
          <div className={styles.markdown}>
            <MessageText live={liveContent} messageKey={message.key} content={message.content} status={status} />
          </div>
        </div>
        {note && (
          <p className={`${styles.note} ${status === 'failed' || status === 'error' ? styles.noteError : ''}`}>
            {status === 'sending' ? <SendingNote key={message.key} /> : note}
            {status === 'failed' && message.error ? ` — ${message.error.message}` : null}
            {status === 'failed' && onRetry && (
              <button type="button" className={styles.linkButton} onClick={() => onRetry(message)}>
                Retry
              </button>
            )}
            {onRetryReply && <RetryReplyButton onPress={() => onRetryReply(message)} />}
          </p>
        )}
        {isAgent && status !== 'streaming' && message.content !== '' && <CopyReplyButton text={message.content} shownIn={bubble} />}
      </div>
    </li>
  );
}

/**
 * "Sending…", and after a few seconds without the server's ack, that it is not delivered yet: a
 * socket can look open while the server behind it hangs (the heartbeat notices only after a
 * minute). Mounted when the message starts sending, so its clock starts then.
 */
function SendingNote() {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_SEND_MS);
    return () => clearTimeout(timer);
  }, []);
  return <>{slow ? SLOW_SEND_NOTE : statusNote('sending')}</>;
}

/** "Copy" under a finished reply: its markdown as written, ready to paste elsewhere. */
function CopyReplyButton({ text, shownIn }: { text: string; shownIn: RefObject<HTMLDivElement | null> }) {
  const { state, copy } = useCopy();
  return (
    <div className={styles.replyActions}>
      <button type="button" className={styles.linkButton} aria-label={state === 'idle' ? 'Copy reply' : COPY_LABEL[state]} onClick={() => copy(text, shownIn.current)}>
        {COPY_LABEL[state]}
      </button>
    </div>
  );
}

/** How long "Trying again…" waits for the new reply before offering the button again (a refusal shows as an alert). */
const RETRY_PENDING_MS = 10_000;

/** "Try again" under a failed reply: once pressed, the new reply normally takes its place as the last message. */
function RetryReplyButton({ onPress }: { onPress: () => boolean }) {
  const [pressed, setPressed] = useState(false);
  useEffect(() => {
    if (!pressed) return;
    const timer = setTimeout(() => setPressed(false), RETRY_PENDING_MS);
    return () => clearTimeout(timer);
  }, [pressed]);
  return (
    <button type="button" className={styles.linkButton} disabled={pressed} onClick={() => setPressed(onPress())}>
      {pressed ? 'Trying again…' : 'Try again'}
    </button>
  );
}

/** Half the caret's blink period (ms). */
const CARET_BLINK_MS = 500;

/**
 * The caret at the end of a streaming reply. It blinks by a timer flipping an attribute twice a
 * second, not by a CSS animation: Chromium samples a running CSS animation every frame, even one
 * that changes twice a second, so the caret cost a style recalculation in every frame (~0.1 ms,
 * `npm run bench -- render`). Reduced motion keeps it on (CSS).
 */
function StreamingCaret() {
  const caret = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const timer = setInterval(() => caret.current?.toggleAttribute('data-blink-off'), CARET_BLINK_MS);
    return () => clearInterval(timer);
  }, []);
  return <span ref={caret} className={styles.caret} aria-hidden="true" data-testid="streaming-caret" />;
}

/** A message's text: a streaming reply's follows `live` and re-renders on its own per token. */
const MessageText = memo(function MessageText({
  live,
  messageKey,
  content,
  status,
}: {
  live: LiveContent | undefined;
  messageKey: string;
  content: string;
  status: ChatMessage['status'];
}) {
  const text = useLiveContent(live, { key: messageKey, content, status });
  return <Markdown content={text} caret={status === 'streaming' ? <StreamingCaret /> : undefined} />;
});

/**
 * Whether a row shows the same thing for both messages. With `liveText`, a streaming reply's
 * text does not count: its row reads that text itself (`MessageText`).
 */
export function sameRow(x: ChatMessage, y: ChatMessage, liveText: boolean): boolean {
  return (
    x === y ||
    (x.key === y.key &&
      x.mine === y.mine &&
      x.source === y.source &&
      x.status === y.status &&
      (x.content === y.content || (liveText && x.status === 'streaming')) &&
      x.model === y.model &&
      x.author.display_name === y.author.display_name &&
      x.error?.message === y.error?.message)
  );
}

/**
 * Rows re-render only when what they show changes, so a streaming reply re-renders its own
 * row and not the hundreds above it (the store may hand out new objects for unchanged rows);
 * with `liveContent`, its tokens re-render only its text.
 */
export const MessageItem = memo(
  MessageItemView,
  (a, b) =>
    a.onRetry === b.onRetry &&
    a.onRetryReply === b.onRetryReply &&
    a.index === b.index &&
    a.setSize === b.setSize &&
    a.measureRef === b.measureRef &&
    a.liveContent === b.liveContent &&
    sameRow(a.message, b.message, a.liveContent !== undefined),
);
