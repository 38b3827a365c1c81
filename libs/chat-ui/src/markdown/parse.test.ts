import { parseBlocks, parseInline, safeHref } from './parse';

const blocks = (md: string) => parseBlocks(md).map((b) => b.block);

describe('parseBlocks', () => {
  it('splits paragraphs on blank lines and keeps each block\'s source', () => {
    const parsed = parseBlocks('Hello\nworld\n\nSecond one');
    expect(parsed.map((b) => b.block)).toEqual([
      { type: 'paragraph', text: 'Hello\nworld' },
      { type: 'paragraph', text: 'Second one' },
    ]);
    expect(parsed.map((b) => b.source)).toEqual(['Hello\nworld', 'Second one']);
  });

  it('reads fenced code verbatim (markdown and HTML inside stay text), closed or still streaming', () => {
    expect(blocks('```ts\nconst a = **1**; <b>\n```\nafter')).toEqual([
      { type: 'code', lang: 'ts', text: 'const a = **1**; <b>' },
      { type: 'paragraph', text: 'after' },
    ]);
    expect(blocks('```\nhalf written')).toEqual([{ type: 'code', lang: null, text: 'half written' }]);
  });

  it('reads headings, rules and quotes', () => {
    expect(blocks('## Title ##\n\n---\n\n> quoted\n> more')).toEqual([
      { type: 'heading', level: 2, text: 'Title' },
      { type: 'rule' },
      { type: 'quote', children: [{ type: 'paragraph', text: 'quoted\nmore' }] },
    ]);
  });

  it('reads bullet and numbered lists, with nested lists and a start number', () => {
    expect(blocks('- one\n- two\n  - inner\n\n3. three\n4. four')).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          [{ type: 'paragraph', text: 'one' }],
          [{ type: 'paragraph', text: 'two' }, { type: 'list', ordered: false, start: 1, items: [[{ type: 'paragraph', text: 'inner' }]] }],
        ],
      },
      { type: 'list', ordered: true, start: 3, items: [[{ type: 'paragraph', text: 'three' }], [{ type: 'paragraph', text: 'four' }]] },
    ]);
  });

  it('a list interrupts a paragraph and a paragraph after a blank line ends the list', () => {
    expect(blocks('Words\n- item\n\nafter').map((b) => b.type)).toEqual(['paragraph', 'list', 'paragraph']);
  });
});

describe('parseInline', () => {
  it('reads emphasis, strong, both, and leaves lone or intraword underscores alone', () => {
    expect(parseInline('*a* **b** ***c*** snake_case_name')).toEqual([
      { type: 'em', children: [{ type: 'text', text: 'a' }] },
      { type: 'text', text: ' ' },
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'strong', children: [{ type: 'text', text: 'c' }] }] },
      { type: 'text', text: ' snake_case_name' },
    ]);
    expect(parseInline('2 * 3 * 4 and **unclosed')).toEqual([{ type: 'text', text: '2 * 3 * 4 and **unclosed' }]);
  });

  it('reads code spans literally, including markdown and HTML inside', () => {
    expect(parseInline('use `a **b** <i>` now')).toEqual([
      { type: 'text', text: 'use ' },
      { type: 'code', text: 'a **b** <i>' },
      { type: 'text', text: ' now' },
    ]);
  });

  it('keeps raw HTML as text and decodes entities and escapes', () => {
    expect(parseInline('<img src=x onerror=alert(1)> &lt;b&gt; \\*not em\\*')).toEqual([
      { type: 'text', text: '<img src=x onerror=alert(1)> <b> *not em*' },
    ]);
  });

  it('reads links with titles, autolinks, and turns images into links', () => {
    expect(parseInline('[docs](https://example.com/a_(b) "Docs") <https://x.test/p> ![cat](https://x.test/cat.png)')).toEqual([
      { type: 'link', href: 'https://example.com/a_(b)', title: 'Docs', children: [{ type: 'text', text: 'docs' }] },
      { type: 'text', text: ' ' },
      { type: 'link', href: 'https://x.test/p', title: null, children: [{ type: 'text', text: 'https://x.test/p' }] },
      { type: 'text', text: ' ' },
      { type: 'link', href: 'https://x.test/cat.png', title: null, children: [{ type: 'text', text: 'cat' }] },
    ]);
  });

  it('hard breaks on two trailing spaces or a backslash; soft breaks stay newlines', () => {
    expect(parseInline('a  \nb\\\nc\nd')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'break' },
      { type: 'text', text: 'b' },
      { type: 'break' },
      { type: 'text', text: 'c\nd' },
    ]);
  });
});

describe('safeHref', () => {
  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html,<b>', 'vbscript:x'])(
    'refuses %j',
    (url) => expect(safeHref(url)).toBeNull(),
  );
  it.each(['https://example.com', 'http://x.test/a?b#c', 'mailto:a@b.c', '/relative', '#anchor', 'page.html'])('allows %j', (url) => {
    expect(safeHref(url)).toBe(url);
  });
});
