'use client';

import { useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Identity, Message } from '@confab/protocol';
import { retryableReply, streamingReply, useConversation, type ChatMessage } from '@confab/chat-client';
import { Announcer } from './Announcer';
import { RefreshPageOnce } from './RefreshPageOnce';
import { Composer } from './Composer';
import { ConnectionStatus } from './ConnectionStatus';
import { ErrorAlert } from './ErrorAlert';
import { MessageList } from './MessageList';
import { TypingIndicator } from './TypingIndicator';
import { presenceText } from './words';
import styles from './conversation.module.css';

export interface ConversationProps {
  conversationId: string;
  /** History rendered by the server, so the first paint already shows messages. */
  initialMessages: Message[];
  initialHasOlder: boolean;
  /** Shown above the messages (e.g. "Shared conversation"). */
  title?: string;
  /**
   * Whether the caller may write, as the server saw it when rendering. Used until the socket's
   * `connected` frame says so itself, so the composer does not flicker in or out.
   */
  initialCanWrite?: boolean;
  /** Where "Sign in to join the conversation" leads (with a way back). */
  signInHref?: string;
  emptyText?: string;
  placeholder?: string;
  /** The composer's placeholder on a phone-width screen, where a long `placeholder` is cut off. */
  narrowPlaceholder?: string;
  /** Rendered just above the composer (the live voice transcript on thread pages). */
  aboveComposer?: ReactNode;
  /**
   * Who the server rendered the page for, so the viewer's own messages show as "You" from the
   * first paint (the socket's `connected` confirms it). Not a secret: ids appear on every message.
   */
  viewer?: Identity | null;
  /** Put the cursor in the message box on arrival (see `Composer`'s `focusOnOpen`). */
  focusComposer?: boolean;
  /**
   * Offer "Try again" under a failed reply (threads: the server answers `retry_reply` for replies
   * there only). A question of the viewer's the server said went unanswered is offered it anywhere.
   */
  retryReplies?: boolean;
  /**
   * Re-render the page's server parts once the first message is stored: a new thread is named by
   * it (its heading and the tab's title), which only the server knows.
   */
  refreshWhenFirstStored?: boolean;
}

/** A live conversation: messages, typing, connection state, errors and the composer. */
export function Conversation({
  conversationId,
  initialMessages,
  initialHasOlder,
  title,
  initialCanWrite = true,
  signInHref = '/signin',
  emptyText,
  placeholder,
  narrowPlaceholder,
  aboveComposer,
  viewer = null,
  focusComposer = false,
  retryReplies = false,
  refreshWhenFirstStored = false,
}: ConversationProps) {
  const { state, liveContent, socket, send, retry, stop, retryReply, notifyTyping, reconnect, loadOlder } = useConversation({
    conversationId,
    initialMessages,
    initialHasOlder,
    initialCanWrite,
    initialIdentity: viewer,
  });

  const { canWrite, messages, identity } = state;
  // What Stop would end (in a post, only a reply the viewer asked for): see `streamingReply`.
  const replyToStop = useMemo(() => streamingReply({ messages, identity }) ?? undefined, [messages, identity]);
  // Memoized, so the list (memoized too) is not re-rendered by a new footer element per token.
  const typingFooter = useMemo(() => <TypingIndicator names={state.typing.map((t) => t.who.display_name)} />, [state.typing]);

  // "Try again" under a reply that failed, or a question left unanswered: offered while connected (it is sent at once, not queued).
  const { unanswered } = state;
  const retryable = useMemo(() => retryableReply(messages, unanswered, retryReplies), [retryReplies, messages, unanswered]);
  const retryReplyId = retryable?.id ?? null;
  // The question itself (not a failed reply) is offered: "The agent couldn't answer this." is told
  // once. Whether connected or not: a drop and a reconnect hide and show it again, and it was told.
  const unansweredId = retryable !== null && retryable.author.kind !== 'agent' ? retryable.id : null;
  const connected = state.connection.status === 'open';

  // Which reply Stop was pressed for: the button says "Stopping…" until that reply ends, so a
  // press shows at once, even when the server is slow to answer (or not answering).
  const [stopAskedFor, setStopAskedFor] = useState<string | null>(null);
  const replyToStopKey = replyToStop?.key ?? null;

  // Stable across renders so memoized rows are not re-rendered by a new callback identity.
  const retryRef = useRef(retry);
  const stopRef = useRef(() => stop(replyToStop?.id ?? undefined));
  useLayoutEffect(() => {
    retryRef.current = retry;
    stopRef.current = () => {
      setStopAskedFor(replyToStopKey);
      stop(replyToStop?.id ?? undefined);
    };
  }, [retry, stop, replyToStop, replyToStopKey]);
  const section = useRef<HTMLElement>(null);
  const onRetry = useCallback((message: ChatMessage) => {
    if (!message.client_message_id) return;
    retryRef.current(message.client_message_id);
    keepFocusInConversation(section.current);
  }, []);
  // `retryReply` is the controller's own function, stable for the conversation's life.
  const onRetryReply = useCallback(
    (message: ChatMessage) => {
      const sent = message.id !== null && retryReply(message.id);
      if (sent) keepFocusInConversation(section.current);
      return sent;
    },
    [retryReply],
  );
  // Stable too, so the (memoized) composer does not re-render for every streamed token.
  const onStop = useCallback(() => stopRef.current(), []);

  const blockedUntil = state.error?.code === 'RATE_LIMIT' ? state.error.until : null;
  // Only while connected: a socket that dropped no longer hears who comes and goes.
  const presence = connected && state.presence ? presenceText(state.presence, state.identity) : null;

  return (
    <section ref={section} aria-label="Conversation" className={styles.conversation}>
      <header className={styles.head}>
        <div className={styles.headText}>
          <span className={styles.headTitle}>{title ?? 'Conversation'}</span>
          {/* Who else is here (a post's shared conversation; a thread has no presence). Not a live
              region: people coming and going would interrupt a screen reader all the time. */}
          {presence && (
            <span className={styles.presence} data-testid="presence">
              {presence}
            </span>
          )}
        </div>
        <ConnectionStatus connection={state.connection} onReconnect={reconnect} />
      </header>
      <Announcer view={{ messages, connection: state.connection, unanswered: unansweredId }} />
      {refreshWhenFirstStored && <RefreshPageOnce when={messages.length > 0 && messages[0]!.id !== null} />}
      <MessageList
        messages={state.messages}
        hasOlder={state.hasOlder}
        onLoadOlder={loadOlder}
        onRetry={canWrite ? onRetry : undefined}
        retryReplyId={canWrite && connected ? retryReplyId : null}
        onRetryReply={onRetryReply}
        emptyText={emptyText}
        footer={typingFooter}
        liveContent={liveContent}
      />
      <div className={styles.bottom}>
        <ErrorAlert error={state.error} signInRequired={state.signInRequired} signInHref={signInHref} />
        {aboveComposer}
        {canWrite ? (
          <Composer
            onSend={send}
            onTyping={notifyTyping}
            onStop={onStop}
            streaming={replyToStop !== undefined}
            stopping={replyToStopKey !== null && replyToStopKey === stopAskedFor}
            blockedUntil={blockedUntil}
            placeholder={placeholder}
            narrowPlaceholder={narrowPlaceholder}
            focusOnOpen={focusComposer}
          />
        ) : (
          <p className={styles.readOnly}>
            <a href={signInHref} className={styles.readOnlyLink}>
              Sign in to join the conversation
            </a>
          </p>
        )}
      </div>
      {/* The socket (no DOM): loaded on demand, right after the page hydrates. */}
      {socket}
    </section>
  );
}

/**
 * "Try again", once pressed, is disabled and then goes away with the reply it was under ("Retry"
 * under a message not sent goes once it is sent again): had it the focus, the focus fell to the
 * page's body and a keyboard user started again from the top.
 * It goes to the message box instead (where Escape stops the new reply), as after Stop. Not on
 * touch screens, where focusing the box opens the on-screen keyboard.
 */
function keepFocusInConversation(section: HTMLElement | null): void {
  if (!section?.contains(document.activeElement) || !window.matchMedia('(pointer: fine)').matches) return;
  section.querySelector('textarea')?.focus();
}
