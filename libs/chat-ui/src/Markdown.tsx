'use client';

import { memo, type ReactNode } from 'react';
import { parseBlocks, parseInline, type Block, type Inline } from './markdown/parse';

/**
 * Messages are untrusted (people and models write them). They are parsed into data
 * (`markdown/parse.ts`) and rendered as React elements only — there is no HTML string anywhere,
 * so `<script>` or `<img onerror>` in a message shows as the characters people typed. Unsafe
 * URLs (javascript:, data:…) keep their text but are not links; links open in a new tab with
 * `rel="noopener noreferrer nofollow"`; images become links (nothing loads by merely reading).
 */

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'em':
        return <em key={i}>{renderInline(node.children)}</em>;
      case 'strong':
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case 'break':
        return <br key={i} />;
      case 'link':
        return node.href === null ? (
          <span key={i}>{renderInline(node.children)}</span>
        ) : (
          <a key={i} href={node.href} title={node.title ?? undefined} target="_blank" rel="noopener noreferrer nofollow">
            {renderInline(node.children)}
          </a>
        );
    }
  });
}

function BlockView({ block }: { block: Block }): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return <p>{renderInline(parseInline(block.text))}</p>;
    case 'heading': {
      const Heading = `h${block.level}` as const;
      return <Heading>{renderInline(parseInline(block.text))}</Heading>;
    }
    case 'code':
      return (
        <pre>
          <code className={block.lang ? `language-${block.lang}` : undefined}>{block.text}</code>
        </pre>
      );
    case 'rule':
      return <hr />;
    case 'quote':
      return <blockquote>{block.children.map((child, i) => <BlockView key={i} block={child} />)}</blockquote>;
    case 'list': {
      const items = block.items.map((item, i) => (
        // A one-paragraph item renders its text directly (a tight list), as in chat apps.
        <li key={i}>
          {item.length === 1 && item[0]?.type === 'paragraph'
            ? renderInline(parseInline(item[0].text))
            : item.map((child, j) => <BlockView key={j} block={child} />)}
        </li>
      ));
      return block.ordered ? <ol start={block.start === 1 ? undefined : block.start}>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

/**
 * One top-level block, re-rendered only when its own source text changes: while a reply streams,
 * only its last block is parsed and rendered again, not everything above it.
 */
const TopBlock = memo(
  function TopBlock({ block }: { source: string; block: Block }) {
    return <BlockView block={block} />;
  },
  (a, b) => a.source === b.source,
);

export const Markdown = memo(function Markdown({ content }: { content: string }) {
  return (
    <>
      {parseBlocks(content).map(({ block, source }, i) => (
        <TopBlock key={i} source={source} block={block} />
      ))}
    </>
  );
});
