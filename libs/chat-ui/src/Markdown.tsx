'use client';

import { memo, type AnchorHTMLAttributes } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';

/**
 * Messages are untrusted (people and models write them). react-markdown builds React elements
 * from the markdown syntax tree and, without rehype-raw, turns any raw HTML into plain text,
 * so `<script>` shows as the characters people typed. Dangerous URLs (javascript:) are removed
 * by its default urlTransform.
 */
function ExternalLink({ children, href, title }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a href={href} title={title} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

const components: Components = {
  a: ({ children, href, title }) => (
    <ExternalLink href={href} title={title}>
      {children}
    </ExternalLink>
  ),
  // Shown as a link to the picture instead, so nothing loads unless the reader chooses to.
  img: ({ src, alt }) => (
    <ExternalLink href={typeof src === 'string' ? src : undefined}>{alt || 'Image'}</ExternalLink>
  ),
};

export const Markdown = memo(function Markdown({ content }: { content: string }) {
  return (
    <ReactMarkdown components={components}>
      {content}
    </ReactMarkdown>
  );
});
