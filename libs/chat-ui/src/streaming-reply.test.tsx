/** @jest-environment jsdom */
import { render } from '@testing-library/react';
import { Markdown } from './Markdown';
import { createStreamingView, type StreamingView } from './streaming-reply';

/** `text` shown as a model streams it: prefixes growing by a few characters at a time. */
function streamInto(host: HTMLElement, text: string, view: StreamingView = createStreamingView(host)): StreamingView {
  let seed = text.length;
  for (let end = 0; end < text.length; ) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    end = Math.min(text.length, end + 1 + (seed % 7));
    view.show(text.slice(0, end));
  }
  return view;
}

/**
 * `text` streamed, then a blank line: the parser holds back the last characters of a block until
 * it knows what they are (a token later, while streaming); the blank line lets them out.
 */
function streamed(text: string): HTMLElement {
  const host = document.createElement('div');
  streamInto(host, `${text}\n\n`).destroy();
  return host;
}

/** An element tree as a string: tags, attributes (sorted) and text with runs of white space as one space; the caret left out. */
function shape(node: Node): string {
  if (node instanceof Text) return node.data.replace(/\s+/g, ' ');
  if (!(node instanceof Element) || node.getAttribute('data-testid') === 'streaming-caret') return '';
  const attributes = [...node.attributes].map((a) => ` ${a.name}="${a.value}"`).sort().join('');
  const inner = [...node.childNodes].map(shape).join('').replace(/ ?(<\/?(?:p|li|ul|ol|h\d|blockquote|pre|div|table|thead|tbody|tr|th|td|hr)\b[^>]*>) ?/g, '$1');
  return `<${node.tagName.toLowerCase()}${attributes}>${inner.trim()}</${node.tagName.toLowerCase()}>`;
}

const finished = (text: string): string => shape(render(<Markdown content={text} />).container);

describe('a streaming reply looks the same while it streams as once it is done', () => {
  it.each([
    ['paragraphs', 'The agent streams a long answer.\n\nA second paragraph with **bold** and *italic* and `code`.'],
    ['line breaks inside a paragraph', 'Roses are red,\nviolets are blue.'],
    ['headings, a level below the page', '# Title\n\nText.\n\n## Part\n\n###### Small'],
    ['a bullet list', 'Points:\n\n- one\n- two **bold**\n- three'],
    ['a numbered list starting at 3', '3. three\n4. four'],
    ['a bullet list then a numbered one', '- a\n- b\n\n1. step'],
    ['a nested list', '- top\n  - inner one\n  - inner two\n- next'],
    ['a fenced code block with a language', 'Try:\n\n```js\nconst a = 1;\nconst b_c = a;\n```\n\nDone.'],
    ['a quote', '> quoted words\n\nafter'],
    ['a right-to-left quote', '> שלום עולם\n\nafter'],
    ['a link', 'See [the docs](https://example.com/docs) now.'],
    ['an image, as a link', 'Look: ![a cat](https://example.com/cat.png)'],
    ['intraword underscores', 'Call my_var_name and file_name_v2.txt, not _this_ one.'],
    ['a table', '| a | b |\n|---|---|\n| 1 | 2 |'],
    ['strikethrough', 'It is ~~wrong~~ right.'],
    ['a rule', 'Above\n\n---\n\nBelow'],
    ['a dollar sign before a word (not an equation)', 'Add it to your $PATH.\n\nThen go, it costs $5 and $HOME is yours.'],
    ['LaTeX brackets, which markdown-to-jsx reads as escaped brackets', 'The area is \\(x^2\\) here.\n\nAnd \\[y = 2\\] too.'],
    ['dollar signs in code', 'Run `echo $HOME` or:\n\n```sh\necho $PATH\n```\n\nDone.'],
    ['raw HTML as text', 'Look: <img src=x onerror="alert(1)"> <b>bold?</b>'],
    ['an underscore inside a word, not paired in its paragraph', 'Pass the user_id here.\n\nThen call it.'],
  ])('%s', (_name, text) => {
    expect(shape(streamed(text))).toBe(finished(text));
  });

  it("the render benchmark's reply (40-token paragraphs, list items, bold and code)", () => {
    const words = ['the', 'agent', 'streams', 'a', 'long', 'answer', 'with', '**bold**', 'words', 'and', '`code`', 'in', 'it'];
    const token = (i: number): string => (i > 0 && i % 40 === 0 ? '\n\n' : i % 97 === 5 ? '\n- item' : `${i === 0 || i % 40 === 1 ? '' : ' '}${words[i % words.length]}`);
    const text = Array.from({ length: 400 }, (_, i) => token(i)).join('');
    expect(shape(streamed(text))).toBe(finished(text));
  });
});

describe('a streaming reply: untrusted text stays text', () => {
  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>'])('[click](%s) is not a link', (url) => {
    const host = streamed(`before [click](${url}) after`);
    expect(host.querySelector('[href]')).toBeNull();
    expect(host.textContent).toContain('click');
  });

  it('an image is a link to it, never an <img> that would be fetched', () => {
    const host = streamed('![secret](https://attacker.example/?q=1) and ![](https://e.example/x.png)');
    expect(host.querySelector('img')).toBeNull();
    const links = [...host.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')])).toEqual([
      ['secret', 'https://attacker.example/?q=1', 'noopener noreferrer nofollow'],
      ['Image', 'https://e.example/x.png', 'noopener noreferrer nofollow'],
    ]);
  });

  it("a code fence's info string names one class, as Markdown's does: the rest cannot add the page's classes", () => {
    const text = '```js sr-only jump\nconst a = 1;\n```';
    expect(streamed(text).querySelector('code')?.getAttribute('class')).toBe('lang-js');
    expect(shape(streamed(text))).toBe(finished(text));
  });

  it('raw HTML makes no elements', () => {
    const host = streamed('<script>alert(1)</script><img src=x onerror=alert(2)><iframe src="https://e.example">');
    expect(host.querySelector('script, img, iframe, [onerror]')).toBeNull();
  });
});

describe('the streaming caret sits where text is being written', () => {
  const caretIn = (text: string): Element | null => {
    const host = document.createElement('div');
    streamInto(host, text);
    return host.querySelector('[data-testid="streaming-caret"]')?.parentElement ?? null;
  };
  const words = (element: Element | null): string | undefined => element?.textContent?.replace(/\s+/g, ' ').trim();

  it.each([
    ['a paragraph', 'Hello there', 'P', 'Hello there'],
    ['the last paragraph', 'First.\n\nSecond paragraph', 'P', 'Second paragraph'],
    ['a list: its last item, not a line below the list', 'Points:\n\n- one\n- two **bold**', 'LI', 'two bold'],
    ['a heading', '## A heading', 'H4', 'A heading'],
    ['a quote: its paragraph', '> quoted words', 'P', 'quoted words'],
    ['a code block: its code', '```\nlet x = 1;', 'CODE', 'let x = 1;'],
    ['between paragraphs: the end of the one above', 'First.\n\n', 'P', 'First.'],
  ])('in %s', (_name, text, tag, textBefore) => {
    const host = caretIn(text);
    expect(host?.tagName).toBe(tag);
    expect(words(host)).toBe(textBefore);
  });

  it('is there before the first word: a reply with no text yet shows the caret (the agent is answering)', () => {
    const host = document.createElement('div');
    const view = createStreamingView(host);
    // What the row does when it first draws a reply that has no text yet.
    view.append('');
    expect(host.querySelector('[data-testid="streaming-caret"]')).not.toBeNull();
    view.destroy();
  });

  it('shows the last letters of a paused reply, but not markup it cannot yet read', () => {
    const host = document.createElement('div');
    const view = createStreamingView(host);
    view.show('The answer is');
    expect(host.textContent).toBe('The answer is');
    view.show('The answer is **');
    expect(host.textContent?.trim()).toBe('The answer is');
    view.show('The answer is **yes**.');
    expect(host.querySelector('strong')?.textContent).toBe('yes');
    view.destroy();
  });

  it('shows every letter of plain prose as it arrives, once, however the text is cut', () => {
    const text = 'It ends in a word, then another one.\n\nA second paragraph, with more words in it';
    const host = document.createElement('div');
    const view = createStreamingView(host);
    for (let end = 1; end <= text.length; end += 1) {
      view.show(text.slice(0, end));
      // Letters only (the spaces between blocks are the paragraphs'), and a new block's first one
      // waits for the next: it may open a list or a heading.
      const cut = text.slice(0, end);
      const shown = /\n\n\S$/.test(cut) ? cut.slice(0, -1) : cut;
      expect(host.textContent?.replace(/\s/g, '')).toBe(shown.replace(/\s/g, ''));
    }
    view.destroy();
  });

  it('blinks every half second, by an attribute (no per-frame animation), and stops when the view goes', () => {
    jest.useFakeTimers();
    try {
      const host = document.createElement('div');
      const view = streamInto(host, 'Hello');
      const caret = host.querySelector('[data-testid="streaming-caret"]');
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(true);
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      view.destroy();
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stays solid while text arrives, as an editor caret does while someone types, and blinks again once the text pauses', () => {
    jest.useFakeTimers();
    try {
      const host = document.createElement('div');
      const view = streamInto(host, 'Hello');
      const caret = host.querySelector('[data-testid="streaming-caret"]');
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(true);
      // Text arriving shows the caret at once, and keeps it shown for as long as it keeps coming.
      view.append(' there');
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      for (let tick = 0; tick < 20; tick += 1) {
        jest.advanceTimersByTime(100);
        view.append(' and');
        expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      }
      // The text stopped half a second ago: the next tick blinks.
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(true);
      // The row redraws for other changes (someone typing) with nothing new: the caret goes on blinking.
      for (let tick = 0; tick < 4; tick += 1) {
        view.append('');
        jest.advanceTimersByTime(500);
      }
      expect(caret?.hasAttribute('data-blink-off')).toBe(true);
      view.append('');
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      view.destroy();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('a streaming reply follows its text', () => {
  it.each([
    ['a code fence whose language comes a frame later', ['```', '```python', '```python\nprint(1)']],
    ['bold at the very start', ['*', '**', '**Answer:** yes']],
    ['a heading being written', ['#', '##', '## Overview']],
  ])('does not throw when two frames in a row add no element yet (%s)', (_name, frames) => {
    const host = document.createElement('div');
    const view = createStreamingView(host);
    for (const frame of frames) expect(() => view.show(frame)).not.toThrow();
    expect(host.querySelectorAll('[data-testid="streaming-caret"]')).toHaveLength(1);
    view.destroy();
  });

  it('draws a text that changed before its end anew (a resumed stream), not appended to the old one', () => {
    const host = document.createElement('div');
    const view = streamInto(host, 'Once upon a time **there**');
    view.show('A different start');
    expect(host.textContent).toBe('A different start');
    expect(host.querySelector('strong')).toBeNull();
    view.destroy();
  });

  it.each([
    ['prose with emphasis and code', 'The agent streams **bold** words and `code`.\n\n- item one\n- item two'],
    ['a dollar sign after a backslash that ended the piece before it', 'Cost \\$5 and $HOME, in `echo $x`.'],
  ])('draws the pieces a reply arrived in as Markdown draws the whole text (%s)', (_name, text) => {
    const host = document.createElement('div');
    const view = createStreamingView(host);
    // Cut every 3 characters: "Cost \\" then "$5 ".
    for (const piece of `${text}\n\n`.match(/[\s\S]{1,3}/g) ?? []) view.append(piece);
    view.destroy();
    expect(shape(host)).toBe(finished(text));
  });

  it('clears what was in its element before (the plain text shown while it loaded)', () => {
    const host = document.createElement('div');
    host.textContent = 'Hello **wor';
    streamInto(host, 'Hello **world**').destroy();
    expect(host.textContent).toBe('Hello world');
  });

  it("a code block's Copy button copies the code streamed so far", async () => {
    const writeText = jest.fn((text: string) => Promise.resolve(text.length));
    Object.assign(navigator, { clipboard: { writeText } });
    const host = streamed('```\nline one\nline two');
    const button = host.querySelector('button');
    expect(button?.textContent).toBe('Copy');
    // jsdom has no layout, so no innerText: the code's text is what the browser's innerText gives.
    const pre = host.querySelector('pre');
    if (pre) Object.defineProperty(pre, 'innerText', { get: () => pre.textContent });
    button?.click();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith('line one\nline two');
    expect(button?.textContent).toBe('Copied');
  });
});

describe('a reply that ends stays as it was drawn, where that is how Markdown draws it', () => {
  const endedAs = (text: string): { host: HTMLElement; kept: boolean } => {
    const host = document.createElement('div');
    const kept = streamInto(host, text).finish(text);
    return { host, kept };
  };

  it.each([
    ['paragraphs and inline marks', 'A long answer.\n\nWith **bold**, *italic* and `code`.'],
    ['a list as the last block', 'Steps:\n\n1. one\n2. two'],
    ['a bullet list with marks', 'Points:\n\n- one **bold**\n- two `code`\n- three'],
    ['headings', '# Title\n\nText.\n\n### Part\n\nMore.'],
    ['a code block, closed or not, with anything in it', 'Run:\n\n```sh\necho HOME <b> [x](y) | a_b\n```\n\nand\n\n```py\nprint(1)'],
    ['inline code holding markup', 'Use `<div>` and `a[0]` here.'],
    ["the render benchmark's kind of reply", 'the agent streams a long answer with **bold** words and `code` in it\n- item the agent streams\n\nthe agent\n\n`code` in it the agent'],
    ['lines that open with inline code', '`npm test` runs them.\n\n- `lint` checks style\n- `build` bundles\n\n# `Config`\n\n`x` is set.'],
    ['a letter the parser still held back', 'It ends in a wor'],
  ])('%s: kept, with the final markdown drawn and no caret', (_name, text) => {
    const { host, kept } = endedAs(text);
    expect(kept).toBe(true);
    expect(shape(host)).toBe(finished(text));
    expect(host.querySelector('[data-testid="streaming-caret"]')).toBeNull();
  });

  it.each([
    ['an angle-bracket autolink', 'Go to <https://example.com> now.'],
    ['HTML', 'Some <b>bold</b> text.'],
    ['a link around an image', 'A [![badge](https://e.example/b.svg)](https://e.example) here.'],
    ['a reference link', 'See [the docs][1].\n\n[1]: https://example.com'],
    ['a footnote', 'A claim.[^1]\n\n[^1]: The source.'],
    ['emphasis still open at the end', 'It ends mid **bold'],
    ['a nested list', '- top\n  - inner\n- next'],
    ['a table', '| a | b |\n|---|---|\n| 1 | 2 |'],
    ['a link and an image', 'See [docs](https://example.com) and ![cat](https://example.com/c.png).'],
    ['strikethrough', 'It is ~~wrong~~ right.'],
    ['a quote', '> quoted\n\nafter'],
    ['a lone asterisk between spaces', 'Compute 5 * 3 and 2 * 4.'],
  ])('%s: not kept (Markdown draws it anew)', (_name, text) => {
    expect(endedAs(text).kept).toBe(false);
  });

  /** What the finished reply shows: the streamed drawing when kept, else what `Markdown` draws anew. */
  const shownWhenEnded = (text: string): string => {
    const { host, kept } = endedAs(text);
    return kept ? shape(host) : finished(text);
  };

  // Each kind a review found drawn differently by the two parsers (the drawing would have stayed
  // wrong until a reload): it ends looking as `Markdown` draws it.
  it.each([
    ['a list with blocks inside its items (numbered steps with an indented code block)', '1. Install:\n\n   ```sh\n   npm i\n   ```\n2. Run it'],
    ['a list with blocks inside its items (a step with a fence right under it)', '1. Install:\n   ```sh\n   npm i\n   ```\n2. Run it'],
    ['a list with blocks inside its items (a step with a second paragraph)', '1. Step one\n\n   Explanation.\n\n2. Step two'],
    ['a list with blocks inside its items (a bullet with a nested list after a blank line)', '- a\n\n  - b'],
    ['a list with blocks inside its items (a step with a quote)', '1. a\n\n   > quote'],
    ['a loose list (items apart)', '1. a\n2. b\n\n3. c'],
    ['a link with parentheses in its address goes where Markdown sends it', 'See [Rust](https://en.wikipedia.org/wiki/Rust_(programming_language)) here.'],
    ['a link with a title goes where Markdown sends it', 'See [the docs](https://example.com/docs "The docs") now.'],
    ['an image with a title goes where Markdown sends it', 'Look: ![a cat](https://example.com/cat.png "Cat")'],
    ['square brackets that are no link (an index) stay as written', 'Take arr[0] and arr[1].'],
    ['square brackets that are no link (citations) stay as written', 'As shown [1], and again [2].'],
    ['square brackets that are no link (a note) stay as written', 'This is true [citation needed] today.'],
    ['square brackets that are no link (a task list) stay as written', '- [ ] todo\n- [x] done'],
    ['a table with aligned columns (left and right) keeps their alignment', '| Name | Age |\n|:--|--:|\n| Ann | 3 |'],
    ['a table with aligned columns (centred, spaced) keeps their alignment', '| Name | Age |\n| :---: | --- |\n| Ann | 3 |'],
    ['a code block fenced with tildes (closed) is a code block', 'Run:\n\n~~~python\nprint(1)\n~~~\n\nDone.'],
    ['a code block fenced with tildes (not closed) is a code block', 'Run:\n\n~~~\nls -la'],
    ["a reply stopped right after a table's head", 'Here it is:\n\n| Name | Age |'],
    ["a reply stopped right after a table's head and part of its rule", 'Here it is:\n\n| Name | Age |\n|---'],
    ["a reply stopped right after a table's head and rule", 'Here it is:\n\n| Name | Age |\n|---|---|'],
    ["a reply stopped right after a list item's marker", 'Steps:\n\n- one\n- '],
    ["a reply stopped right after a numbered item's marker", 'Steps:\n\n1. one\n2. '],
    ["a reply stopped right after a heading's marker", 'Intro.\n\n## '],
    ['character references (named) read as Markdown reads them', 'Tom &amp; Jerry, x &lt; y.'],
    ['character references (numeric) read as Markdown reads them', 'A &#169; sign and &#x2014; a dash.'],
    ['a heading underlined with = is a heading', 'Title\n=====\n\nBody.'],
    ['a heading underlined with - is a heading', 'Title\n---\n\nBody.'],
    ['a bare address with a comma after it is the link Markdown draws', 'See https://example.com/docs, then try again.'],
    ['a bare address with a full stop after it is the link Markdown draws', 'See https://example.com/docs. Then try again.'],
    ['a bare address with parentheses around it is the link Markdown draws', 'The docs (https://example.com/docs) say so.'],
    ['a bare address with quotes around it is the link Markdown draws', 'Open "https://example.com/docs" now.'],
    ['a bare address with bold around it is the link Markdown draws', 'Open **https://example.com/docs** now.'],
    ['a stopped table with rows', 'Here it is:\n\n| Name | Age |\n|---|---|\n| Ann | 3'],
    ['a bare address standing alone', 'See https://example.com/docs for more'],
    ['a star after a code span, and one in a later code span', 'Use `x`* then `*` again'],
    ['two stars after a code span, and two in a later one', 'a `b`** c `**` d'],
    ['code spans ending in a backslash', '`C:\\` is the root drive, and `D:\\` the next.'],
    ['two spaces before a newline (a line break)', 'one  \ntwo'],
    ['a list marker right after a list marker (a nested list)', '- - a'],
  ])('%s: once done, shows what Markdown draws', (_name, text) => {
    expect(shownWhenEnded(text)).toBe(finished(text));
  });

  it('600 generated replies of prose, emphasis, code, headings and lists: each shows what Markdown draws once done', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed >>> 8) % n; // the low bits of this generator repeat after a few steps
    };
    const pick = <T,>(items: readonly T[]): T => items[next(items.length)] as T;
    const plain = ['the', 'agent', 'answer', 'is', 'a', 'long', 'line', 'with', 'it', "isn't", '42', '3.5', 'e.g.', 'done:', '(see', 'below)', '"quoted"', 'naïve', 'über', '—', '50%', '#tag', 'שלום', 'a-b', '1.', '2)', 'ok!', 'why?'];
    const risky = ['snake_case', 'x_1', '$5', '$PATH', '*', '_', '**', '__', '[1]', 'a&b', '<b>', 'https://e.example/x', '~', '\\', '|'];
    const inline = (): string => {
      const word = next(12) === 0 ? pick(risky) : pick(plain);
      const mark = next(8);
      return mark === 0 ? `**${word}**` : mark === 1 ? `*${word}*` : mark === 2 ? `\`${word}\`` : mark === 3 && next(4) === 0 ? `_${word}_` : word;
    };
    const sentence = (): string => Array.from({ length: 1 + next(12) }, inline).join(' ');
    const block = (): string => {
      switch (next(7)) {
        case 0:
          return `${'#'.repeat(1 + next(6))} ${sentence()}`;
        case 1:
          return Array.from({ length: 1 + next(4) }, () => `- ${sentence()}`).join('\n');
        case 2:
          return Array.from({ length: 1 + next(4) }, (_, i) => `${i + 1 + next(2)}. ${sentence()}`).join('\n');
        case 3:
          return `\`\`\`${pick(['', 'js', 'py'])}\n${sentence()}\n${sentence()}\n\`\`\``;
        case 4:
          return `${sentence()}\n${sentence()}`;
        default:
          return sentence();
      }
    };
    const mismatches: string[] = [];
    let kept = 0;
    for (let i = 0; i < 600; i += 1) {
      const text = Array.from({ length: 1 + next(5) }, block).join(pick(['\n\n', '\n\n', '\n'])).slice(0, next(3) === 0 ? 40 + next(200) : undefined);
      const ended = endedAs(text);
      if (ended.kept) kept += 1;
      if ((ended.kept ? shape(ended.host) : finished(text)) !== finished(text)) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
    expect(kept).toBeGreaterThan(50); // the plain ones do stay as drawn
  });

  it('stops blinking when it ends', () => {
    jest.useFakeTimers();
    try {
      const host = document.createElement('div');
      const view = streamInto(host, 'Hello');
      const caret = host.querySelector('[data-testid="streaming-caret"]');
      view.finish('Hello');
      jest.advanceTimersByTime(500);
      expect(caret?.hasAttribute('data-blink-off')).toBe(false);
      expect(host.textContent).toBe('Hello');
    } finally {
      jest.useRealTimers();
    }
  });
});
