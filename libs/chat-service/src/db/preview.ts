import { plainText } from '@confab/protocol';

/** What a new thread is called until its first message names it (`threadTitleFrom`). */
export const defaultThreadTitle = (agentName: string): string => `Chat with ${agentName}`;
export const DEFAULT_THREAD_TITLE_PREFIX = defaultThreadTitle('');

const TITLE_MAX_CHARS = 60;

/**
 * A thread's title from the first thing its person wrote: its first line in plain words, cut at a
 * word. Every thread was "Chat with <agent>", so a list of them could not be told apart. Null when
 * the message has no words.
 */
export function threadTitleFrom(content: string): string | null {
  // A fence line names a language, not the thread. Cut before parsing: a title needs 60
  // characters, not the whole of a 10,000-character line.
  const firstLine = content.split('\n', 20).find((line) => line.trim() !== '' && !/^\s*(`{3,}|~{3,})/.test(line)) ?? '';
  const words = plainText(firstLine.slice(0, TITLE_MAX_CHARS * 5));
  if (words === '') return null;
  if (words.length <= TITLE_MAX_CHARS) return words;
  const cut = words.slice(0, TITLE_MAX_CHARS - 1);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > TITLE_MAX_CHARS / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}
