/** @jest-environment jsdom */
import { render, screen, within } from '@testing-library/react';
import { compiler } from 'markdown-to-jsx';
import { Markdown, safeUrl } from './Markdown';

/** What a reader sees: the text, with runs of white space as one space. */
function text(element: Element | null | undefined): string | null {
  return element?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
}

function show(content: string) {
  return render(<Markdown content={content} />).container;
}

describe('Markdown: untrusted text stays text', () => {
  it('shows raw HTML as the characters typed, with no img or script element', () => {
    const container = show('Look: <img src=x onerror="alert(1)"><script>alert(2)</script> <b>bold?</b>');
    expect(text(container)).toBe('Look: <img src=x onerror="alert(1)"><script>alert(2)</script> <b>bold?</b>');
    expect(container.querySelector('img, script, b, [onerror]')).toBeNull();
  });

  it('shows raw HTML blocks as text too', () => {
    const container = show('<div onclick="alert(1)">\n<iframe src="https://evil.example"></iframe>\n</div>');
    expect(text(container)).toBe('<div onclick="alert(1)"> <iframe src="https://evil.example"></iframe> </div>');
    expect(container.querySelector('div, iframe, [onclick]')).toBeNull();
  });

  it('shows HTML inside a code fence as text, in a code block', () => {
    const container = show('```html\n<img src=x onerror=alert(1)><script>alert(1)</script>\n```');
    const code = container.querySelector('pre > code');
    expect(text(code)).toBe('<img src=x onerror=alert(1)><script>alert(1)</script>');
    expect(container.querySelector('img, script')).toBeNull();
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    '<javascript:alert(1)>',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,%3Csvg%20onload=alert(1)%3E',
  ])('[click](%s) keeps its text but is not a link', (url) => {
    const container = show(`before [click](${url}) after`);
    // Where the URL is not even read as a link destination, the whole source shows as text.
    expect(text(container)).toMatch(/^before \[?click.* after$/);
    expect(screen.queryByRole('link')).toBeNull();
    expect(container.querySelector('[href]')).toBeNull();
  });

  it("a code fence's info string sets no attributes: no style that could cover the page, no handlers", () => {
    const container = show('```js style="position:fixed;inset:0;z-index:9999" onclick="alert(1)" title="x"\ncode\n```');
    const code = container.querySelector('pre > code');
    expect(code?.textContent?.trim()).toBe('code');
    expect(code?.getAttributeNames().sort()).toEqual(['class']);
    expect(code?.getAttribute('class')).toBe('lang-js');
  });

  it('an autolinked javascript: URL is not a link', () => {
    show('<javascript:alert(1)>');
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('[x](javascript:…) is not a javascript: link either', () => {
    const container = show('[x](javascript:alert(1))');
    expect(container.querySelector('a[href^="javascript" i]')).toBeNull();
  });

  it("needs its own sanitizer: the library's default lets data:image links through", () => {
    // What `safeUrl` is for. If a markdown-to-jsx upgrade refuses these too, this test says so.
    const { container } = render(compiler('[a](javascript:alert(1)) [b](data:text/html,x) [c](data:image/svg+xml,x)', { disableParsingRawHTML: true }));
    expect(container.querySelectorAll('a[href]')).toHaveLength(1);
    expect(container.querySelector('a[href]')?.getAttribute('href')).toBe('data:image/svg+xml,x');
  });

  it('turns an image into a link to it, so reading a message fetches nothing', () => {
    const container = show('![a cat](https://x.test/cat.png?secret=1)');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'a cat' })?.getAttribute('href')).toBe('https://x.test/cat.png?secret=1');
  });

  it('gives headings no id (message text does not name page elements)', () => {
    show('# Conversation');
    expect(screen.getByRole('heading', { name: 'Conversation' }).hasAttribute('id')).toBe(false);
  });

  it("puts a message's headings below the page's own: # is a level-3 heading, ## level 4, deeper ones 5 and 6", () => {
    show('# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six');
    const levels = screen.getAllByRole('heading').map((h) => [text(h), Number(h.tagName.slice(1)), h.getAttribute('data-level')]);
    expect(levels).toEqual([
      ['One', 3, '1'],
      ['Two', 4, '2'],
      ['Three', 5, '3'],
      ['Four', 6, '4'],
      ['Six', 6, '6'],
    ]);
    expect(screen.queryAllByRole('heading', { level: 1 })).toHaveLength(0);
  });
});

describe('Markdown: formatting', () => {
  it('gives a quote the direction of its first letter, so its bar is on the side its text starts from', () => {
    const container = show('> مرحبا بالجميع، **كيف** حالكم\n\n> Hello, how are you?\n\n> 123 שלום');
    expect(Array.from(container.querySelectorAll('blockquote'), (q) => q.getAttribute('dir'))).toEqual(['rtl', 'ltr', 'rtl']);
  });

  it('reads "#1 priority" and "#hashtags" as text: a heading needs a space after its #s', () => {
    const container = show('#1 priority is the fix\n\n#confab rocks\n\n## Real heading');
    expect(screen.getAllByRole('heading').map(text)).toEqual(['Real heading']);
    expect([...container.querySelectorAll('p')].map(text)).toEqual(['#1 priority is the fix', '#confab rocks']);
  });

  it('renders bold, emphasis and code spans (markdown inside a code span stays literal)', () => {
    const container = show('**bold** and *soft* and `a **b** <i>`');
    expect(container.querySelector('strong')?.textContent).toMatch(/^bold$/);
    expect(container.querySelector('em')?.textContent).toMatch(/^soft$/);
    expect(container.querySelector('code')?.textContent).toMatch(/^a \*\*b\*\* <i>$/);
  });

  it('renders links that open in a new tab without referrer or opener, and bare URLs', () => {
    show('See [the docs](https://example.com/docs "Docs") or https://example.org/x, or [mail](mailto:a@b.test) or [home](/threads).');
    const docs = screen.getByRole('link', { name: 'the docs' });
    expect(docs?.getAttribute('href')).toBe('https://example.com/docs');
    expect(docs?.getAttribute('title')).toBe('Docs');
    expect(docs?.getAttribute('target')).toBe('_blank');
    expect(docs?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(screen.getByRole('link', { name: 'https://example.org/x' })?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(screen.getByRole('link', { name: 'mail' })?.getAttribute('href')).toBe('mailto:a@b.test');
    expect(screen.getByRole('link', { name: 'home' })?.getAttribute('href')).toBe('/threads');
  });

  it('renders bullet and numbered lists, nested, with a start number', () => {
    const container = show('- one\n- two\n  - inner\n\n3. three\n4. four');
    const [bullets, numbers] = screen.getAllByRole('list').filter((list) => list.parentElement === container);
    expect(bullets?.tagName).toBe('UL');
    expect(within(bullets!).getAllByRole('listitem').map((li) => li.firstChild?.textContent?.trim())).toEqual(['one', 'two', 'inner']);
    expect(text(bullets!.querySelector('ul ul'))).toBe('inner');
    expect(numbers?.tagName).toBe('OL');
    expect(numbers?.getAttribute('start')).toBe('3');
    expect(within(numbers!).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['three', 'four']);
  });

  it('renders code fences verbatim, with the language as a class, closed or still streaming', () => {
    const { container, rerender } = render(<Markdown content={'```ts\nconst a = **1**;\n```\nafter'} />);
    expect(text(container.querySelector('pre > code'))).toBe('const a = **1**;');
    expect(container.querySelector('pre > code')?.className).toMatch(/ts/);
    expect(text(container.querySelector('p'))).toBe('after');
    rerender(<Markdown content={'```\nhalf written'} />);
    expect(text(container.querySelector('pre > code'))).toBe('half written');
  });

  it('renders headings, quotes, rules and paragraphs as the bubble\'s direct children', () => {
    const container = show('## Title\n\n> quoted\n\n---\n\nOne\n\nTwo');
    expect(Array.from(container.children, (el) => el.tagName)).toEqual(['H4', 'BLOCKQUOTE', 'HR', 'P', 'P']);
    expect(text(screen.getByRole('heading', { level: 4 }))).toBe('Title');
  });

  it('wraps a one-line message in a paragraph and shows escaped characters and entities as text', () => {
    const container = show('\\*not em\\* &lt;b&gt;');
    expect(container.innerHTML).toBe('<p dir="auto">*not em* &lt;b&gt;</p>');
  });

  it('lets each block of text take its own direction (Arabic right to left, English beside it left to right)', () => {
    const container = show('مرحبا بالجميع\n\nHello everyone\n\n- שלום\n\n> quoted\n\n| a |\n| - |\n| b |');
    // A quote's direction is worked out from its text (see the quote test above).
    for (const selector of ['p', 'li', 'th', 'td']) {
      expect([selector, container.querySelector(selector)?.getAttribute('dir')]).toEqual([selector, 'auto']);
    }
  });

  it('puts a table in a box that scrolls sideways, so its columns are not squeezed', () => {
    const container = show('| Day | Morning |\n| --- | --- |\n| Monday | Alfama walking tour |');
    const box = container.querySelector('table')?.parentElement;
    expect(box?.getAttribute('role')).toBe('group');
    expect(box?.getAttribute('tabindex')).toBe('0');
    expect(text(container.querySelector('td'))).toBe('Monday');
  });
});

describe('safeUrl', () => {
  it.each(['javascript:alert(1)', ' JAVASCRIPT:x', 'java\nscript:x', 'data:image/png;base64,AAAA', 'vbscript:x', 'file:///etc/passwd'])('refuses %j', (url) => {
    expect(safeUrl(url)).toBeNull();
  });
  it.each(['https://example.com', 'http://x.test/a?b#c', 'mailto:a@b.c', '/relative', '#anchor', 'page.html', 'a/b:c'])('allows %j', (url) => {
    expect(safeUrl(url)).toBe(url);
  });
});
