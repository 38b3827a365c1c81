/**
 * What both message renderers (the React one for finished text, `Markdown.tsx`, and the DOM one
 * for a streaming reply, `streaming-markdown.ts`) must agree on, so a reply looks and behaves the
 * same while it streams and once it is done: which URLs may be links, how links open, which
 * heading a message's `#` becomes, and which way a block of text reads.
 */

export const LINK_REL = 'noopener noreferrer nofollow';
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The URL itself when it may be a link, else null. Browsers ignore control characters and
 * whitespace inside a scheme ("java\tscript:"), so those are removed before the check.
 */
export function safeUrl(value: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020\u007f]/g, ''));
  return scheme && !SAFE_SCHEMES.has((scheme[1] ?? '').toLowerCase()) ? null : value;
}

/**
 * A message's headings sit below the page's own (its h1 is the post's or thread's title, and a
 * screen reader's list of headings is how many people find their way on a page): `#` becomes an
 * h3, `##` an h4, anything deeper an h5 or h6. `data-level` keeps the size the writer asked for.
 */
export const HEADING_TAG_OF_LEVEL = { 1: 'h3', 2: 'h4', 3: 'h5', 4: 'h6', 5: 'h6', 6: 'h6' } as const;

const FIRST_LETTER = /\p{L}/u;
const RIGHT_TO_LEFT_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]/u;

/** Which way text reads, from its first letter; undefined while it has none. */
export function directionOf(text: string): 'rtl' | 'ltr' | undefined {
  const letter = FIRST_LETTER.exec(text)?.[0];
  return letter === undefined ? undefined : RIGHT_TO_LEFT_SCRIPT.test(letter) ? 'rtl' : 'ltr';
}
