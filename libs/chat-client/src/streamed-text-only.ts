import type { ConversationStoreState } from './reducer';
import type { ChatMessage } from './types';

/**
 * Whether `after` differs from `before` only in the text of replies that were streaming in both:
 * what a `stream` frame changes, 100 times a second while a reply streams. Such a change needs
 * no React render at all (the reply's row draws its own text, `LiveContent`), so the store hands
 * it to live readers only and React's snapshot stays as it was: the conversation, its list and
 * its composer do not render per token (`npm run bench -- render`).
 */
export function onlyStreamedTextChanged(before: ConversationStoreState, after: ConversationStoreState): boolean {
  if (before === after) return true;
  for (const key of Object.keys(after) as (keyof ConversationStoreState)[]) {
    if (key !== 'messages' && key !== 'streamedText' && before[key] !== after[key]) return false;
  }
  const was = before.messages;
  const now = after.messages;
  if (was.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) {
    const a = was[i] as ChatMessage;
    const b = now[i] as ChatMessage;
    if (a !== b && !sameButStreamedText(a, b)) return false;
  }
  return true;
}

function sameButStreamedText(a: ChatMessage, b: ChatMessage): boolean {
  if (a.status !== 'streaming' || b.status !== 'streaming') return false;
  for (const key of Object.keys(b) as (keyof ChatMessage)[]) {
    if (key !== 'content' && a[key] !== b[key]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}
