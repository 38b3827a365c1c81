'use client';

import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Identity } from '@confab/protocol';
import type { ChatMessage } from '@confab/chat-client';
import { MessageItem } from './MessageItem';
import styles from './conversation.module.css';

export interface MessageListProps {
  messages: ChatMessage[];
  /** Who is reading; their own stored messages are shown as theirs. */
  identity: Identity | null;
  hasOlder: boolean;
  onLoadOlder: () => Promise<void>;
  onRetry?: (message: ChatMessage) => void;
  emptyText?: string;
  /** Rendered at the end of the scroll area (the typing indicator), so it scrolls with the list. */
  footer?: ReactNode;
}

/** How close to the bottom (px) still counts as "reading the latest". */
const STICK_THRESHOLD_PX = 80;

/**
 * The scrollable message list. It follows new content while the reader is at the bottom and
 * stops as soon as they scroll up (then "Jump to latest" brings them back). Loading older
 * messages keeps the reader's place instead of jumping.
 *
 * Not virtualized: rows are memoized (only the streaming row re-renders) and the browser
 * skips painting off-screen rows (`content-visibility: auto`), which keeps threads of a few
 * thousand messages smooth without the scroll-anchoring problems of a virtual list.
 */
export function MessageList({ messages, identity, hasOlder, onLoadOlder, onRetry, emptyText, footer }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  // Scroll height before older messages were prepended, to restore the reader's place.
  const heightBeforePrepend = useRef<number | null>(null);

  const last = messages[messages.length - 1];
  const firstKey = messages[0]?.key;

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_THRESHOLD_PX;
    stickRef.current = bottom;
    setAtBottom(bottom);
  }, []);

  const scrollToBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    stickRef.current = true;
    setAtBottom(true);
  }, []);

  // Older messages went on top: keep the same message under the reader's eyes.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = heightBeforePrepend.current;
    if (!el || before === null) return;
    heightBeforePrepend.current = null;
    el.scrollTop += el.scrollHeight - before;
  }, [firstKey]);

  // New content at the bottom (a message, a streamed delta, the typing line): follow it if stuck.
  useLayoutEffect(() => {
    if (stickRef.current) scrollToBottom();
  }, [messages.length, last?.key, last?.content, last?.status, footer, scrollToBottom]);

  const loadOlder = async () => {
    const el = scrollRef.current;
    heightBeforePrepend.current = el ? el.scrollHeight : null;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      await onLoadOlder();
    } catch {
      heightBeforePrepend.current = null;
      setOlderError("Couldn't load older messages. Try again.");
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <div className={styles.listWrap}>
      <div ref={scrollRef} className={styles.scroll} onScroll={onScroll} data-testid="message-scroll">
        <div className={styles.scrollInner}>
          {hasOlder && (
            <div className={styles.older}>
              <button type="button" className={styles.secondaryButton} onClick={() => void loadOlder()} disabled={loadingOlder}>
                {loadingOlder ? 'Loading…' : 'Load older messages'}
              </button>
              {olderError && <p role="alert">{olderError}</p>}
            </div>
          )}
          {messages.length === 0 ? (
            <p className={styles.empty}>{emptyText ?? 'No messages yet.'}</p>
          ) : (
            <ol className={styles.list} aria-label="Messages">
              {messages.map((message) => (
                <MessageItem key={message.key} message={message} mine={isMine(message, identity)} onRetry={onRetry} />
              ))}
            </ol>
          )}
          {footer}
        </div>
      </div>
      {!atBottom && (
        <button type="button" className={styles.jump} onClick={scrollToBottom}>
          Jump to latest <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  );
}

/**
 * History rendered by the server arrives before the socket says who we are, and a visitor's
 * messages become the account's after signing in: compare authors with the identity too.
 */
function isMine(message: ChatMessage, identity: Identity | null): boolean {
  if (message.mine) return true;
  return identity !== null && message.author.id === identity.id && message.author.kind === identity.kind;
}
