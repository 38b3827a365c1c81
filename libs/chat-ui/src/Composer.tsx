'use client';

import { memo, useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS, messageLength } from '@confab/protocol';
import type { SendResult } from '@confab/chat-client';
import { useMediaQuery, useNow } from './hooks';
import { COUNTER_THRESHOLD, counterText, secondsUntil } from './words';
import styles from './conversation.module.css';

export interface ComposerProps {
  onSend: (text: string) => SendResult;
  onTyping: () => void;
  onStop: () => void;
  /** Stop was pressed for the streaming reply, which has not ended yet: "Stopping…". */
  stopping?: boolean;
  /** An agent reply is streaming: offer "Stop". */
  streaming: boolean;
  /** Epoch ms until which the server refuses messages (rate limit). */
  blockedUntil: number | null;
  placeholder?: string;
  /** Shown instead of `placeholder` on a phone-width screen, where a long one is cut off. */
  narrowPlaceholder?: string;
  /** Put the cursor in the box when it appears (a new private thread: writing is what comes next). */
  focusOnOpen?: boolean;
}

/** Phone width: must match the `max-width: 640px` rules of conversation.module.css. */
const NARROW_SCREEN = '(max-width: 640px)';
/**
 * A touch screen with no mouse (a phone, a tablet): its keyboard has no Shift+Enter, so Enter
 * makes a new line there and the Send button sends, as in other chat apps.
 */
const TOUCH_ONLY = '(pointer: coarse) and (hover: none)';

/**
 * Enter sends, Shift+Enter starts a new line (on a touch-only screen Enter is a new line and Send
 * sends); the text survives a refused send. Memoized: the
 * conversation re-renders for every streamed token, the composer only when its props change.
 */
export const Composer = memo(function Composer({
  onSend,
  onTyping,
  onStop,
  streaming,
  stopping = false,
  blockedUntil,
  placeholder,
  narrowPlaceholder,
  focusOnOpen = false,
}: ComposerProps) {
  const id = useId();
  const narrow = useMediaQuery(NARROW_SCREEN);
  const touchOnly = useMediaQuery(TOUCH_ONLY);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    // Not on touch screens: focusing there opens the on-screen keyboard over the conversation.
    if (focusOnOpen && window.matchMedia('(pointer: fine)').matches) box.current?.focus();
  }, [focusOnOpen]);
  /**
   * Stop goes away when the reply ends (stopped by it, or finished): had it focus, the focus
   * would fall to the page's body and a keyboard user would start again from the top. It goes
   * back to the message box instead (React runs this before it removes the button). Not on touch
   * screens, where focusing the box opens the on-screen keyboard.
   */
  const stopButtonRef = useCallback((button: HTMLButtonElement | null) => {
    if (!button) return;
    return () => {
      if (document.activeElement === button && window.matchMedia('(pointer: fine)').matches) box.current?.focus();
    };
  }, []);
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const now = useNow(blockedUntil !== null);
  const waitSeconds = secondsUntil(blockedUntil, now);
  const length = messageLength(text);
  const tooLong = length > MAX_MESSAGE_CHARS;
  const empty = text.trim().length === 0;
  const canSend = !empty && !tooLong && waitSeconds === 0;

  const submit = () => {
    if (!canSend) return;
    const result = onSend(text);
    if (result.ok) {
      setText('');
      setRefusal(null);
    } else {
      setRefusal(result.reason);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Not while an IME is composing: there Escape cancels the candidate.
    if (event.key === 'Escape' && streaming && !event.nativeEvent.isComposing) {
      event.preventDefault();
      onStop();
      return;
    }
    // isComposing: Enter confirms an IME candidate (Japanese, Chinese…) and must not send.
    // Ctrl/Cmd+Enter sends everywhere (a tablet with a keyboard but no mouse, too).
    const sendKey = touchOnly ? event.ctrlKey || event.metaKey : !event.shiftKey;
    if (event.key === 'Enter' && sendKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  // While rate-limited, the alert above the composer counts down; saying it here too showed it twice.
  const describedBy = [`${id}-hint`, length >= COUNTER_THRESHOLD ? `${id}-count` : null].filter(Boolean).join(' ');

  return (
    <form className={styles.composer} onSubmit={onSubmit}>
      <label htmlFor={id} className="sr-only">
        Message
      </label>
      <div className={`${styles.inputRow} ${tooLong ? styles.inputInvalid : ''}`}>
        <textarea
          ref={box}
          id={id}
          className={styles.textarea}
          value={text}
          rows={1}
          // Right to left as soon as someone writes Arabic or Hebrew.
          dir="auto"
          placeholder={(narrow ? narrowPlaceholder : undefined) ?? placeholder ?? 'Write a message…'}
          aria-invalid={tooLong || undefined}
          aria-describedby={describedBy}
          onChange={(event) => {
            setText(event.target.value);
            if (refusal) setRefusal(null);
            onTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <div className={styles.actions}>
          {streaming && (
            <button ref={stopButtonRef} type="button" className={styles.stopButton} onClick={onStop} title="Stop the reply (Esc)" aria-keyshortcuts="Escape">
              <span className={styles.stopIcon} aria-hidden="true" />
              <span className={styles.stopLabel}>{stopping ? 'Stopping…' : 'Stop'}</span>
            </button>
          )}
          <button type="submit" className={styles.sendButton} disabled={!canSend}>
            Send
          </button>
        </div>
      </div>
      <div className={styles.composerFoot}>
        <span id={`${id}-hint`} className={styles.hint}>
          {touchOnly ? 'Enter for a new line, Send to send' : 'Enter to send, Shift+Enter for a new line'}
        </span>
        {length >= COUNTER_THRESHOLD && (
          <span id={`${id}-count`} className={`${styles.counter} ${tooLong ? styles.counterOver : ''}`} aria-live="polite">
            {counterText(length)}
            {tooLong ? ' — too long to send' : ''}
          </span>
        )}
      </div>
      {refusal && (
        <p role="alert" className={styles.refusal}>
          {refusal}
        </p>
      )}
    </form>
  );
});
