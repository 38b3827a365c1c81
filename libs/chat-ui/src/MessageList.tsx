'use client';

import { memo, useCallback, useEffect, useInsertionEffect, useLayoutEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { VirtualItem, Virtualizer } from '@tanstack/react-virtual';
import type { ChatMessage, LiveContent } from '@confab/chat-client';
import { continuesFrom } from './grouping';
import { useInBrowser } from './hooks';
import { countNewBelow, jumpLabel } from './jump-to-latest';
import { useStayAtEnd } from './stay-at-end';
import { useListVirtualizer } from './list-virtualizer';
import { loadStreamingRenderer, MessageItem, sameRow } from './MessageItem';
import styles from './conversation.module.css';

export interface MessageListProps {
  messages: ChatMessage[];
  hasOlder: boolean;
  onLoadOlder: () => Promise<void>;
  onRetry?: (message: ChatMessage) => void;
  /** The reply offered "Try again" (`retryableReply`), and what pressing it does. */
  retryReplyId?: string | null;
  onRetryReply?: (message: ChatMessage) => boolean;
  emptyText?: string;
  /** Rendered at the end of the scroll area (the typing indicator), so it scrolls with the list. */
  footer?: ReactNode;
  /** A streaming reply's text, drawn by its row (`streaming-reply.ts`): a token does not re-render the list. */
  liveContent?: LiveContent;
}

/** How close to the bottom (px) still counts as "reading the latest". */
const STICK_THRESHOLD_PX = 80;
/** A first guess of a row's height; every rendered row is then measured. */
const ESTIMATED_ROW_PX = 88;
/**
 * The space between rows: must match `.list > li + li { margin-top }` in conversation.module.css.
 * It is the space between a group's messages; a group's first message adds its own, inside its
 * row (`.groupStart { padding-top }`), so the virtualizer measures it with the row.
 */
const ROW_GAP_PX = 4;
/** What the server render (and the first client render) assumes the viewport is. */
const INITIAL_RECT = { width: 760, height: 800 };

/**
 * The scrollable message list, virtualized: only the rows near the viewport are in the DOM
 * (a 5,000-message thread renders ~20 rows), each measured as it renders, so a streamed token
 * costs one row's render and layout instead of the whole thread's.
 *
 * - It follows new content (a new message, a growing streamed reply) while the reader is at
 *   the bottom, and stops as soon as they scroll up; "Jump to latest" brings them back, and says
 *   how many messages arrived below meanwhile ("3 new messages").
 * - "Load older messages" prepends a page and keeps the row the reader was looking at in place.
 * - The server renders the newest rows, so the first paint (and a page without JavaScript)
 *   shows the latest messages.
 * Every rendered row is a `listitem` with aria-posinset/aria-setsize, so assistive technology
 * knows where it is in the whole conversation.
 */
function MessageListView({ messages, hasOlder, onLoadOlder, onRetry, retryReplyId = null, onRetryReply, emptyText, footer, liveContent }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const [listTop, setListTop] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);

  const count = messages.length;
  const empty = count === 0;
  const keys = useRowKeys(messages);
  // Grouping compares calendar days: in the reader's zone, which the server render cannot know
  // (UTC there and while hydrating, so both render the same rows).
  const groupingZone = useInBrowser() ? undefined : 'UTC';
  const getItemKey = useCallback((index: number) => keys[index] ?? index, [keys]);
  const [, showNewWindow] = useReducer((n: number) => n + 1, 0);
  const rendered = useRef<ListWindow>(NO_WINDOW);
  const virtualizer = useListVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey,
    gap: ROW_GAP_PX,
    overscan: 6,
    scrollMargin: listTop,
    initialRect: INITIAL_RECT,
    // Start at the bottom: the newest messages are what a conversation opens on.
    initialOffset: () => Math.max(0, count * (ESTIMATED_ROW_PX + ROW_GAP_PX) - INITIAL_RECT.height),
    // Bottom-anchored: growth of the last rows and appended messages keep the reader at the end
    // when they were there; a prepended page keeps the row under their eyes.
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: STICK_THRESHOLD_PX,
    // Re-render only when the rows in the DOM no longer show what must be shown, not for every
    // measurement or scroll: a streaming reply's row grows with each token, and rows flow in the
    // list (no positions to write), so growth alone changes neither the rows to show nor the
    // padding around them. (The library's scroll corrections after a resize run in its
    // ResizeObserver callback, not in a render.)
    onChange: (instance) => {
      const next = windowOf(instance, listTop);
      if (next.shape !== rendered.current.shape && !stillShows(rendered.current, next, instance, listTop)) showNewWindow();
    },
  });

  // Fetch the streaming-reply renderer while the page is idle, so the first reply does not wait for it.
  useEffect(() => {
    void loadStreamingRenderer();
  }, []);

  // The list sits below the "Load older" control: the virtualizer needs its offset in the scroller.
  useLayoutEffect(() => {
    const top = listRef.current?.offsetTop ?? 0;
    setListTop((current) => (current === top ? current : top));
  }, [hasOlder, loadingOlder, olderError, empty]);

  // Open on the newest message (once: after that the virtualizer keeps following the end).
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (opened.current || empty) return;
    opened.current = true;
    virtualizer.scrollToEnd();
  }, [empty, virtualizer]);

  // Whether to offer "Jump to latest", read on scroll (when layout is fresh) rather than during
  // render: a layout read in render forces a synchronous layout for every streamed token.
  // `away` is null at the end; scrolled away, it holds the key of the row that was last then, and
  // the button counts the rows below it (`countNewBelow`): a new message re-renders the list
  // anyway, a streamed token does not (rows are counted, not their text).
  const [away, setAway] = useState<{ lastKey: string | null } | null>(null);
  const lastKey = useRef<string | null>(null);
  useLayoutEffect(() => {
    lastKey.current = keys[keys.length - 1] ?? null;
  }, [keys]);
  const jumpToLatest = useCallback(() => virtualizer.scrollToEnd(), [virtualizer]);
  const jump = away === null ? null : jumpLabel(countNewBelow(keys, away.lastKey));

  const footerRef = useRef<HTMLDivElement>(null);
  // Told only when the reader arrives at or leaves the end (a plain passive scroll listener in
  // `useStayAtEnd`): a streaming reply scrolls the list every frame (the view follows it), and
  // React's own `onScroll` dispatched each of those scroll events through its event system and
  // queued a render of the list (~1 ms a frame in the slowest frames of `npm run bench -- render`).
  const onFollowingChange = useCallback((following: boolean) => setAway(following ? null : { lastKey: lastKey.current }), []);
  useStayAtEnd(scrollRef, listRef, footerRef, jumpToLatest, !empty, STICK_THRESHOLD_PX, onFollowingChange);

  // Something you just wrote is shown, wherever you were reading: the view follows new content
  // only for a reader at the end, but your own message must not land out of sight.
  const last = messages[count - 1];
  const ownNewMessage = last?.mine === true && last.id === null ? last.key : null;
  useLayoutEffect(() => {
    if (ownNewMessage !== null && opened.current) virtualizer.scrollToEnd();
  }, [ownNewMessage, virtualizer]);

  /**
   * The button keeps its focus while it loads (aria-disabled, not disabled: a disabled button
   * loses it), and when it goes (nothing older left) the focus goes to the list it loaded into,
   * not to the page's body: a keyboard user goes on from where they were.
   */
  const olderButtonRef = useCallback((button: HTMLButtonElement | null) => {
    if (!button) return;
    return () => {
      if (document.activeElement === button) listRef.current?.focus({ preventScroll: true });
    };
  }, []);

  const loadOlder = async () => {
    if (loadingOlder) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      await onLoadOlder();
    } catch {
      setOlderError("Couldn't load older messages. Try again.");
    } finally {
      setLoadingOlder(false);
    }
  };

  const shown = windowOf(virtualizer, listTop);
  const { items, paddingTop, paddingBottom } = shown;
  // The window this render shows, known to `onChange` before the rows' refs measure them (an
  // insertion effect runs before refs attach; a layout effect would run after).
  useInsertionEffect(() => {
    rendered.current = shown;
  });

  return (
    <div className={styles.listWrap}>
      <div ref={scrollRef} className={styles.scroll} data-testid="message-scroll">
        <div className={styles.scrollInner}>
          {hasOlder && (
            <div className={styles.older}>
              <button ref={olderButtonRef} type="button" className={styles.secondaryButton} onClick={() => void loadOlder()} aria-disabled={loadingOlder || undefined}>
                {loadingOlder ? 'Loading…' : 'Load older messages'}
              </button>
              {olderError && <p role="alert">{olderError}</p>}
            </div>
          )}
          {empty ? (
            <p className={styles.empty}>{emptyText ?? 'No messages yet.'}</p>
          ) : (
            <ol
              ref={listRef}
              className={styles.list}
              aria-label="Messages"
              // Focusable from script only: where the focus goes when "Load older" is done.
              tabIndex={-1}
              // Rows not rendered are stood in for by padding, so the scrollbar is the whole thread's.
              style={{ paddingTop, paddingBottom }}
            >
              {items.map((item) => {
                const message = messages[item.index];
                return message ? (
                  <MessageItem
                    key={item.key}
                    message={message}
                    index={item.index}
                    setSize={count}
                    continued={continuesFrom(messages[item.index - 1], message, groupingZone)}
                    measureRef={virtualizer.measureElement}
                    onRetry={onRetry}
                    onRetryReply={message.id !== null && message.id === retryReplyId ? onRetryReply : undefined}
                    liveContent={liveContent}
                  />
                ) : null;
              })}
            </ol>
          )}
          <div ref={footerRef}>{footer}</div>
        </div>
      </div>
      {jump && !empty && (
        <button type="button" className={styles.jump} onClick={jumpToLatest} aria-label={jump.name}>
          {jump.text} <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  );
}

/** What the list renders from the virtualizer: the rows, and the padding standing in for the others. */
interface ListWindow {
  items: VirtualItem[];
  paddingTop: number;
  paddingBottom: number;
  /** The rows and paddings, as one string to compare. */
  shape: string;
}
const NO_WINDOW: ListWindow = { items: [], paddingTop: 0, paddingBottom: 0, shape: '' };

function windowOf(virtualizer: Virtualizer<HTMLDivElement, Element>, listTop: number): ListWindow {
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const paddingTop = first ? first.start - listTop : 0;
  const paddingBottom = last ? Math.max(0, virtualizer.getTotalSize() - (last.end - listTop)) : 0;
  return { items, paddingTop, paddingBottom, shape: `${first?.index}-${last?.index}/${paddingTop}/${paddingBottom}` };
}

/**
 * Whether the rows in the DOM still show everything the virtualizer wants shown: its window lies
 * within them and the paddings around them still stand for the rows they replace. A streaming
 * reply that grows at the end moves rows above out of the window one by one; each used to be a
 * render of the list (~2–4 ms, in the slowest frames of `npm run bench -- render`) only to take an
 * off-screen row out of the DOM. It now goes at the list's next render for another reason.
 */
function stillShows(shown: ListWindow, wanted: ListWindow, virtualizer: Virtualizer<HTMLDivElement, Element>, listTop: number): boolean {
  const [shownFirst, shownLast] = [shown.items[0], shown.items[shown.items.length - 1]];
  const [wantedFirst, wantedLast] = [wanted.items[0], wanted.items[wanted.items.length - 1]];
  if (!shownFirst || !shownLast || !wantedFirst || !wantedLast) return false;
  if (wantedFirst.index < shownFirst.index || wantedLast.index > shownLast.index) return false;
  const firstNow = virtualizer.measurementsCache[shownFirst.index];
  const lastNow = virtualizer.measurementsCache[shownLast.index];
  if (!firstNow || !lastNow || firstNow.key !== shownFirst.key || lastNow.key !== shownLast.key) return false;
  const paddingTop = firstNow.start - listTop;
  const paddingBottom = Math.max(0, virtualizer.getTotalSize() - (lastNow.end - listTop));
  return Math.abs(paddingTop - shown.paddingTop) < 0.5 && Math.abs(paddingBottom - shown.paddingBottom) < 0.5;
}

/**
 * The list re-renders when a row would show something new. A stream frame changes only the
 * streaming reply's text; with `liveContent` that row follows its text itself, so the list, its
 * virtualizer and every other row skip the token (one pass over the array, no render).
 */
export const MessageList = memo(
  MessageListView,
  // Every prop but `messages` by identity (a new prop must be added here).
  (a, b) =>
    a.hasOlder === b.hasOlder &&
    a.onLoadOlder === b.onLoadOlder &&
    a.onRetry === b.onRetry &&
    a.retryReplyId === b.retryReplyId &&
    a.onRetryReply === b.onRetryReply &&
    a.emptyText === b.emptyText &&
    a.footer === b.footer &&
    a.liveContent === b.liveContent &&
    sameRows(a.messages, b.messages, a.liveContent !== undefined),
);

/** Compared from the end: what changes (a reply that ends, a message acknowledged) is almost always last. */
function sameRows(x: readonly ChatMessage[], y: readonly ChatMessage[], liveText: boolean): boolean {
  if (x === y) return true;
  if (!liveText || x.length !== y.length) return false;
  for (let i = x.length - 1; i >= 0; i -= 1) {
    const [message, other] = [x[i], y[i]];
    if (message === undefined || other === undefined || !sameRow(message, other, true)) return false;
  }
  return true;
}

/**
 * The rows' keys, as an array that keeps its identity while no key changes: a streamed token
 * changes a message's content, not the keys, so the virtualizer keeps its measurements instead
 * of recomputing 5,000 row positions for every token.
 */
function useRowKeys(messages: readonly ChatMessage[]): readonly string[] {
  const [keys, setKeys] = useState<readonly string[]>(() => messages.map((m) => m.key));
  let same = keys.length === messages.length;
  for (let i = messages.length - 1; same && i >= 0; i -= 1) same = keys[i] === messages[i]?.key;
  if (same) return keys;
  const next = messages.map((m) => m.key);
  setKeys(next); // derived state: React re-renders at once, before committing
  return next;
}
