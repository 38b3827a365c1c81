import { renderToStaticMarkup } from 'react-dom/server';
import { compiler } from 'markdown-to-jsx';
import { splitMarkdownBlocks } from './markdown-blocks';
import { messageHtml } from './test-html';

/** The newline a parser puts between two blocks is a layout-neutral text node. */
function withoutNewlinesBetweenBlocks(html: string): string {
  return html.replace(/(<\/(?:p|pre|blockquote|ul|ol|table|h[1-6]|div)>|<hr\/>)\n(?=<)/g, '$1');
}

/** HTML of markdown parsed in one piece. */
function parsedAtOnce(content: string): string {
  return withoutNewlinesBetweenBlocks(renderToStaticMarkup(<>{compiler(content, { forceBlock: true, disableParsingRawHTML: true, enforceAtxHeadings: true, wrapper: null })}</>));
}

const SAMPLES: Record<string, string> = {
  paragraphs: 'First paragraph with **bold**.\n\nSecond one with `code`.\n\n\nThird after two blank lines.',
  'heading then text': '# Title\n\nSome text under it.\n\n## Sub\n\nMore.',
  'fence with blank lines inside': 'Before.\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\nAfter.',
  'tilde fence, unclosed while streaming': 'Intro.\n\n~~~\nline one\n\nline two',
  'loose list (blank lines between items)': 'Steps:\n\n- one\n\n- two\n\n- three\n\nDone.',
  'ordered list with an indented continuation': '1. first\n\n   still the first item\n\n2. second\n\nEnd.',
  'indented code block': 'Text.\n\n    code line\n\n    more code\n\nText again.',
  blockquote: '> quoted\n> more\n\nNot quoted.',
  table: '| a | b |\n|---|---|\n| 1 | 2 |\n\nBelow the table.',
  'reference links are global': 'See [the docs][d].\n\nMore text.\n\n[d]: https://example.com/docs',
  'streaming tail ending in a blank line': 'One.\n\nTwo.\n\n',
  'paragraphs indented by a space': ' one\n\n two\n\n   three',
  'nested list, then continuation, then the end of the list': '- a\n  - b\n\n  still a\n\n - c\n\nafter',
  'a list item continued by a line indented as far as its text': '1) first\n\n   more of first\n\n  not code, ends the list?',
  'indented code after a paragraph, with a blank line inside': 'Text.\n\n    a\n\n    b\n\nText.',
  'a fence closed by its marker in the middle of a line (markdown-to-jsx)': '```\nUse ``` fences.\n\nmore\n```\n\nAfter.',
  'a four-backtick fence holding a three-backtick one': '````\n```\ninner\n\n```\n````\n\nAfter.',
  'a leading --- block': '---\ntitle: x\n---\n\nText.\n\nMore.',
  'fence inside a list item': '- item\n\n  ```\n  x\n\n  y\n  ```\n\nafter',
  'a list, then paragraphs indented by a space (markdown-to-jsx: still the list)': '- item\n\n more\n\n   and more\n\nafter',
  'a model-like reply': Array.from({ length: 300 }, (_, i) => (i > 0 && i % 40 === 0 ? '\n\n' : i % 97 === 5 ? '\n- item' : `${i % 40 === 1 || i === 0 ? '' : ' '}word${i % 7 === 0 ? ' **bold**' : ''}`)).join(''),
};

describe('splitMarkdownBlocks: a message renders the same block by block', () => {
  it.each(Object.entries(SAMPLES))('%s', (_name, content) => {
    const byBlocks = splitMarkdownBlocks(content).map(parsedAtOnce).join('');
    expect(byBlocks).toBe(parsedAtOnce(content));
    // And the component renders those blocks (with its link attributes, headings two levels down without ids, a Copy button on code, tables in a scrolling box).
    const withAppOptions = byBlocks
      .replace(/<a href="([^"]*)"/g, '<a href="$1" target="_blank" rel="noopener noreferrer nofollow"')
      .replace(/<h([1-6]) id="[^"]*">(.*?)<\/h\1>/g, (_all, level: string, inner: string) => {
        const tag = `h${Math.min(Number(level) + 2, 6)}`;
        return `<${tag} data-level="${level}">${inner}</${tag}>`;
      })
      .replace(/<pre>/g, "<div><pre>")
      .replace(/<\/pre>/g, "</pre><button type=\"button\" aria-live=\"polite\">Copy</button></div>")
      .replace(/<blockquote>/g, '<blockquote dir="ltr">')
      .replace(/<table>/g, '<div tabindex="0" role="group" aria-label="Table"><table>')
      .replace(/<\/table>/g, '</table></div>');
    expect(withoutNewlinesBetweenBlocks(messageHtml(content))).toBe(withAppOptions);
  });

  it('renders 5,000 random texts (lists, fences, quotes, tables, indents, rules) the same split or whole', () => {
    const lines = ['Para **b** `c`.', 'text', '[link](https://x.y)', '```', '```ts', '~~~', '````', 'Use ``` mid', '- item', '* star', '1. one',
      '2) two', '  - sub', '   3. three', '  indented', ' one space', '    code', '\t tab', '', '', '', '> quote', '> - q item', '# Head', '#1 not a head', '---',
      '***', '| a | b |', '|---|---|', 'a\\'];
    let seed = 42;
    const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % n);
    const differing: string[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const text = Array.from({ length: 3 + random(10) }, () => lines[random(lines.length)]).join('\n');
      if (splitMarkdownBlocks(text).map(parsedAtOnce).join('') !== parsedAtOnce(text)) differing.push(JSON.stringify(text));
    }
    expect(differing).toEqual([]);
  });

  it('splits paragraphs and headings into separate blocks, so earlier ones keep their text', () => {
    expect(splitMarkdownBlocks('# T\n\nOne.\n\nTwo.')).toEqual(['# T\n', 'One.\n', 'Two.']);
  });

  it('keeps a fence with blank lines, a loose list and an indented continuation whole', () => {
    expect(splitMarkdownBlocks('```\na\n\nb\n```\n\nafter')).toEqual(['```\na\n\nb\n```\n', 'after']);
    expect(splitMarkdownBlocks('- a\n\n- b\n\nend')).toEqual(['- a\n\n- b\n', 'end']);
    // After a block holding an indented line nothing is split off: markdown-to-jsx's reading varies there.
    expect(splitMarkdownBlocks('1. a\n\n   more\n\nend\n\nmore')).toEqual(['1. a\n\n   more\n\nend\n\nmore']);
  });

  it('splits a model-like reply (paragraphs, bold, a list item now and then) into many blocks', () => {
    expect(splitMarkdownBlocks(SAMPLES['a model-like reply'] ?? '').length).toBeGreaterThanOrEqual(7);
  });

  it('does not split text that defines a link reference', () => {
    expect(splitMarkdownBlocks('[a][x]\n\nb\n\n[x]: https://example.com')).toHaveLength(1);
  });

  it('a growing reply changes only its last block', () => {
    const reply = 'Para one is done.\n\nPara two is done.\n\nPara three is stre';
    const before = splitMarkdownBlocks(reply);
    const after = splitMarkdownBlocks(`${reply}aming now`);
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(after.at(-1)).toBe('Para three is streaming now');
  });
});
