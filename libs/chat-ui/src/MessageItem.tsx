'use client';

import { memo, startTransition, useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { textAddedSince, wholeText, type ChatMessage, type LiveContent, type LiveText } from '@confab/chat-client';
import { COPY_LABEL, useCopy } from './copy';
import { Markdown } from './Markdown';
import type { StreamingView } from './streaming-reply';
import { LocalTime } from './LocalTime';
import { cutOffNote, SLOW_SEND_MS, SLOW_SEND_NOTE, statusNote, UNANSWERED_NOTE } from './words';
import styles from './conversation.module.css';

export interface MessageItemProps {
  message: ChatMessage;
  /** Position in the whole conversation (the list is virtualized: not every row is rendered). */
  index: number;
  setSize: number;
  /**
   * It continues the message before it (same author, minutes apart: `continuesFrom`): no avatar
   * and no name line, closer to that message. The name stays for screen readers, the time shows
   * on hover.
   */
  continued?: boolean;
  /** The virtualizer's measuring ref: rows have the height their content needs. */
  measureRef?: (element: HTMLLIElement | null) => void;
  onRetry?: (message: ChatMessage) => void;
  /** Given to the one reply the viewer may have answered again (it failed or was cut off), or to their question left unanswered. */
  onRetryReply?: (message: ChatMessage) => boolean;
  /** Where a streaming reply's text is read from, so a token re-renders the text alone. */
  liveContent?: LiveContent;
}

function initials(name: string): string {
  return name.trim().charAt(0).toUpperCase() || '?';
}

function MessageItemView({ message, index, setSize, continued = false, measureRef, onRetry, onRetryReply, liveContent }: MessageItemProps) {
  const { author, status, mine } = message;
  // A group's first message is set apart from the group above (a continuation sits closer).
  const grouping = continued ? styles.continued : index > 0 ? styles.groupStart : '';
  return (
    <li
      ref={measureRef}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`${styles.message} ${mine ? styles.mine : styles.theirs} ${author.kind === 'agent' ? styles.agent : ''} ${grouping}`}
      data-status={status}
      data-author-kind={author.kind}
      data-mine={mine ? 'true' : undefined}
      data-continued={continued ? 'true' : undefined}
      aria-busy={status === 'streaming' || status === 'sending' ? true : undefined}
    >
      <MessageContent message={message} continued={continued} onRetry={onRetry} onRetryReply={onRetryReply} liveContent={liveContent} />
    </li>
  );
}

type MessageContentProps = Pick<MessageItemProps, 'message' | 'continued' | 'onRetry' | 'onRetryReply' | 'liveContent'>;

function MessageContentView({ message, continued = false, onRetry, onRetryReply, liveContent }: MessageContentProps) {
  // "You" is decided once, in the chat-client reducer (local copies and the viewer's stored messages).
  const { author, status, mine } = message;
  const isAgent = author.kind === 'agent';
  // Given to a person's message, "Try again" is for a question the agent could not even begin to answer.
  const unanswered = !isAgent && onRetryReply;
  const note = unanswered ? UNANSWERED_NOTE : (statusNote(status) ?? cutOffNote(status, message.finish_reason));
  const bubble = useRef<HTMLDivElement>(null);
  // On a continuation the badges are heard, not shown (they are on the group's first line).
  const badge = (shown: string | undefined) => (continued ? 'sr-only' : shown);

  return (
    <>
      {!mine &&
        (continued ? (
          // The avatar's column stays, so the text lines up with the message above.
          <span className={styles.avatarSpace} aria-hidden="true" />
        ) : (
          <span className={styles.avatar} aria-hidden="true">
            {initials(author.display_name)}
          </span>
        ))}
      <div className={styles.body}>
        <div className={continued ? `${styles.meta} ${styles.metaContinued}` : styles.meta}>
          {/* "You" is implied by the side, and a continuation's author by the message above: kept for screen readers, not shown. */}
          <span className={mine || continued ? 'sr-only' : styles.author}>{mine ? 'You' : author.display_name}</span>
          {message.model === 'demo' && <span className={badge(styles.badge)}>Demo agent</span>}
          {message.source === 'voice' && <span className={badge(styles.badgeMuted)}>Voice</span>}
          <LocalTime iso={message.created_at} className={styles.time} clockOnly={continued} />
        </div>
        {/* A continuation's time shows on hover or focus. A touch screen has no pointer to hover
            with (Chromium's hover after a tap comes or not), so a tap on the text focuses it:
            focusable from a tap or script only, not in the Tab order. */}
        <div className={styles.bubble} ref={bubble} tabIndex={continued ? -1 : undefined}>
          <MessageText live={liveContent} messageKey={message.key} content={message.content} status={status} />
        </div>
        {note && (
          <p className={`${styles.note} ${status === 'failed' || status === 'error' || unanswered ? styles.noteError : ''}`}>
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
    </>
  );
}

/**
 * What a row shows inside its `li`, apart from the row's place in the list: a message added to the
 * list changes every row's `aria-setsize`, and re-rendering each row's whole content for it was
 * ~1 ms of the frames a reply starts in (the question's and the reply's rows arrive, CPU profile
 * of `npm run bench -- render`). Now only the rows' `li`s render for it.
 */
const MessageContent = memo(MessageContentView, sameContent);

/** Whether a row's content shows the same for both (everything but the row's place in the list). */
function sameContent(a: MessageContentProps, b: MessageContentProps): boolean {
  return (
    a.onRetry === b.onRetry &&
    a.onRetryReply === b.onRetryReply &&
    a.continued === b.continued &&
    a.liveContent === b.liveContent &&
    sameRow(a.message, b.message, a.liveContent !== undefined)
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

/**
 * A message's text. Finished text is React's (`Markdown`); a streaming reply's is drawn straight
 * into the DOM by `streaming-reply.ts`, following `live` token by token with no React render
 * at all. When a reply that streamed here ends, that drawing stays: it is already the reply as
 * `Markdown` draws it, and drawing every block of a long reply again (~15 ms for 2,000 tokens)
 * was the longest frame of a stream; a selection the reader made in it stays too. Where it cannot
 * stand for the final text (`StreamingView.finish`), `Markdown` draws the reply, as a transition
 * React can split over frames. The two have different keys, so React swaps the whole element and
 * never meets nodes it did not make.
 */
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
  const streaming = status === 'streaming';
  const [streamedHere, setStreamedHere] = useState(streaming);
  if (streaming && !streamedHere) setStreamedHere(true);
  const [redrawn, setRedrawn] = useState(false);
  const redraw = useCallback(() => startTransition(() => setRedrawn(true)), []);
  if (streamedHere && !redrawn) return <StreamingText key="streaming" live={live} messageKey={messageKey} content={content} done={!streaming} onCannotKeep={redraw} />;
  return (
    <div key="done" className={styles.markdown}>
      <Markdown content={content} />
    </div>
  );
});

/** The streaming renderer's module, loaded once, on demand (it is not needed to show a page). */
let streamingRenderer: Promise<typeof import('./streaming-reply')> | null = null;
export function loadStreamingRenderer(): Promise<typeof import('./streaming-reply')> {
  // A failed load (a dropped connection, a deploy that removed the chunk) is tried again by the next reply.
  streamingRenderer ??= import('./streaming-reply').catch((error: unknown) => {
    streamingRenderer = null;
    throw error;
  });
  return streamingRenderer;
}

/** Until the renderer has loaded (or if it cannot be), the text as it is, without markdown. */
function plainTextView(host: HTMLElement): StreamingView {
  return {
    show: (text) => (host.textContent = text),
    append: (more) => host.append(more),
    finish: () => false, // `Markdown` draws it
    destroy: () => undefined,
  };
}

function StreamingText({
  live,
  messageKey,
  content,
  done,
  onCannotKeep,
}: {
  live: LiveContent | undefined;
  messageKey: string;
  content: string;
  /** The reply has ended with `content`. */
  done: boolean;
  /** What is drawn cannot stay as the finished reply: `Markdown` must draw it. */
  onCannotKeep: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<StreamingView | null>(null);
  /** The text the view was finished with (null while the reply streams): nothing is drawn after it. */
  const finishedWith = useRef<string | null>(null);
  // Without `live` (a list given no live content), the text comes through `content` instead.
  const latest = useRef(content);
  useLayoutEffect(() => {
    latest.current = content;
    if (live === undefined && finishedWith.current === null) view.current?.show(content);
  }, [live, content]);

  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    let stopped = false;
    /** The text as `view` last drew it: a token adds its pieces to it, not the whole text again. */
    let drawn: LiveText | null = null;
    const read = (): LiveText => live?.read(messageKey) ?? wholeText(latest.current);
    const draw = (): void => {
      const now = read();
      const added = textAddedSince(now, drawn);
      if (added === null) view.current?.show(now.text);
      else view.current?.append(added);
      drawn = now;
    };
    const showWith = (next: StreamingView): void => {
      if (stopped) return;
      view.current?.destroy();
      view.current = next;
      drawn = null;
      draw();
    };
    showWith(plainTextView(element));
    loadStreamingRenderer().then(
      // Not once the text is gone (it may go before the module loads, and a view starts its
      // caret's timer), nor once the reply has ended as plain text (`Markdown` draws it then).
      ({ createStreamingView }) => (stopped || finishedWith.current !== null ? undefined : showWith(createStreamingView(element))),
      () => undefined, // the plain text stays: the reply is still readable, and `Markdown` draws it when done
    );
    const unsubscribe = live?.subscribe(() => {
      if (finishedWith.current === null) draw();
    });
    return () => {
      stopped = true;
      unsubscribe?.();
      view.current?.destroy();
      view.current = null;
    };
  }, [live, messageKey]);

  useLayoutEffect(() => {
    if (!done) return;
    if (finishedWith.current === null) {
      finishedWith.current = content;
      if (view.current?.finish(content) !== true) onCannotKeep();
    } else if (finishedWith.current !== content) {
      onCannotKeep(); // changed after it ended
    }
  }, [done, content, onCannotKeep]);

  return <div ref={host} className={styles.markdown} />;
}

/**
 * Whether a row shows the same thing for both messages. With `liveText`, a streaming reply's
 * text does not count: its row reads that text itself (`MessageText`).
 */
export function sameRow(x: ChatMessage, y: ChatMessage, liveText: boolean): boolean {
  return (
    x === y ||
    (x.key === y.key &&
      x.mine === y.mine &&
      // What grouping reads (`continuesFrom`), so the list re-renders when a row's grouping may change.
      x.author.kind === y.author.kind &&
      x.author.id === y.author.id &&
      x.created_at === y.created_at &&
      x.source === y.source &&
      x.status === y.status &&
      x.finish_reason === y.finish_reason &&
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
export const MessageItem = memo(MessageItemView, (a, b) => a.index === b.index && a.setSize === b.setSize && a.measureRef === b.measureRef && sameContent(a, b));
