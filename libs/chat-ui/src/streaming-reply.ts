import * as smd from 'streaming-markdown';
import { COPY_LABEL, copyText } from './copy';
import { directionOf, HEADING_TAG_OF_LEVEL, LINK_REL, safeUrl } from './message-safety';
import styles from './conversation.module.css';

/**
 * A streaming reply drawn straight into the DOM: each token is parsed by `streaming-markdown`
 * (which only ever appends nodes) and added where it belongs, with no framework render, no
 * re-parse of the block being written and next to no garbage. Re-rendering the reply's last
 * markdown block through React on every token was most of a frame's script time and nearly all
 * of its GC in `npm run bench -- render`. Once the reply is done, `Markdown` (markdown-to-jsx)
 * draws it again; this renderer builds the same elements with the same attributes and classes
 * (`message-safety.ts` holds what the two share), so the reply does not jump when it ends
 * (`streaming-reply.test.tsx` compares the two over many texts).
 *
 * Untrusted text stays text: nodes are created one by one, text only as text nodes (no HTML
 * string anywhere), links only through `safeUrl`, images only as links to the image.
 */

export interface StreamingView {
  /** Shows `text`: only what was added since the last call is parsed, unless the text changed before that. */
  show(text: string): void;
  /** Shows `more` after what is shown: `show` without reading the whole text (`LiveText`). */
  append(more: string): void;
  /**
   * The reply is done and its final text is `text`: draws what the parser still held back and
   * takes the caret away. True when what is shown is `text` as `Markdown` would draw it, so it can
   * stay as it is; false when `Markdown` must draw it (see `drawsLikeMarkdown`).
   */
  finish(text: string): boolean;
  destroy(): void;
}

/** An open token: the element its text goes into, and text to add when it ends (see `plainToken`). */
interface Open {
  element: Element;
  type: number;
  closingText?: string;
}

/** Half the caret's blink period (ms): a timer flipping an attribute, not a CSS animation (which Chromium samples every frame). */
const CARET_BLINK_MS = 500;
/** Elements that hold other blocks, not text: the caret goes into their last child instead. */
const CONTAINERS = new Set(['DIV', 'UL', 'OL', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR']);
/** Tokens inside a line of text (as opposed to blocks). */
const INLINE: ReadonlySet<number> = new Set([smd.ITALIC_AST, smd.ITALIC_UND, smd.STRONG_AST, smd.STRONG_UND, smd.STRIKE, smd.CODE_INLINE, smd.LINK, smd.IMAGE, smd.RAW_URL, smd.EQUATION_INLINE]);
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
/** Characters the parser holds back that can only be text (no markdown syntax among them). */
const PLAIN_TEXT = /^[\p{L}\p{N}\p{Zs}.,;:?'"]+$/u;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string | undefined> = {}): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) created.setAttribute(name, value);
  return created;
}

/** A code block as `Markdown`'s CodeBlock draws it: the box to place, and the code element text goes into. */
function codeBlock(): { box: HTMLElement; code: HTMLElement } {
  const box = element('div', { class: styles.codeBlock });
  const pre = element('pre');
  const code = element('code');
  const button = element('button', { type: 'button', class: styles.copyButton, 'aria-live': 'polite' });
  button.textContent = COPY_LABEL.idle;
  button.addEventListener('click', () => copyText(pre.innerText.replace(/\n$/, ''), pre, (state) => (button.textContent = COPY_LABEL[state])));
  pre.append(code);
  box.append(pre, button);
  return { box, code };
}

/** A table as `Markdown`'s ScrollingTable draws it (in a box of its own that scrolls sideways): the box to place, and the table. */
function scrollingTable(): { box: HTMLElement; table: HTMLElement } {
  const box = element('div', { class: styles.tableScroll, tabindex: '0', role: 'group', 'aria-label': 'Table' });
  const table = element('table');
  box.append(table);
  return { box, table };
}

function tableRow(table: Element): HTMLElement {
  const section = table.children[1] ?? table.appendChild(element(table.children.length === 0 ? 'thead' : 'tbody'));
  return section.appendChild(element('tr'));
}

/**
 * Where the caret goes: the element text is being written into, or the last one text was written
 * into. The caret itself is skipped (it may be the last element, before any block is drawn).
 */
function caretTarget(from: Element, caret: Element): Element {
  let target = from;
  while (CONTAINERS.has(target.tagName)) {
    const lastChild = target.lastElementChild === caret ? caret.previousElementSibling : target.lastElementChild;
    const last: Element | null = target.classList.contains(styles.codeBlock ?? '') ? target.querySelector('code') : lastChild;
    if (last === null) break;
    target = last;
  }
  // Nothing can be written inside a rule or a checkbox.
  return target.tagName === 'HR' || target.tagName === 'INPUT' ? (target.parentElement ?? from) : target;
}

export function createStreamingView(host: HTMLElement): StreamingView {
  const caret = element('span', { class: styles.caret, 'aria-hidden': 'true', 'data-testid': 'streaming-caret' });
  host.replaceChildren();
  /** When text was last added: the caret stays solid while text arrives, as an editor's does while someone types. */
  let lastAddedAt = Date.now();
  // Blinking only once the text pauses also spares a streaming reply two style and paint passes a second.
  const blink = setInterval(() => {
    if (Date.now() - lastAddedAt >= CARET_BLINK_MS) caret.toggleAttribute('data-blink-off');
  }, CARET_BLINK_MS);
  let open: Open[] = [];
  let lastCharacter = '';
  let written = '';
  /** The last character given to the parser: a `$` right after a backslash is written as it is. */
  let lastWritten = '';
  /**
   * The parser holds back the last character or two of a block until it knows what they are (a
   * `*` may open emphasis). When they can only be text they are shown anyway, in a text node of
   * their own, emptied before the next write: a model pausing mid-word would otherwise leave its
   * last letter unshown until it went on.
   */
  const heldBack = document.createTextNode('');
  /**
   * The caret and the held-back text stay where they are while a token is written (taking them
   * out and putting them back cost more than the parsing, in a profile of the render benchmark):
   * what is written into their element goes before them.
   */
  const trailerIn = (parent: Element): ChildNode | null => (heldBack.parentNode === parent ? heldBack : caret.parentNode === parent ? caret : null);
  const insert = <T extends Node>(parent: Element, node: T): T => parent.insertBefore(node, trailerIn(parent));

  const top = (): Open => open[open.length - 1] ?? { element: host, type: smd.DOCUMENT };
  const push = (created: Element, type: number, closingText?: string): void => {
    open.push({ element: created, type, closingText });
  };
  const addText = (text: string): void => {
    if (text === '') return;
    const to = top().element;
    const before = trailerIn(to);
    const last = before ? before.previousSibling : to.lastChild;
    if (last instanceof Text && last !== heldBack) last.appendData(text);
    else to.insertBefore(document.createTextNode(text), before);
    lastCharacter = text.slice(-1);
    // A quote reads the way its first letter does (as `Markdown`'s Quote decides).
    for (const { element: quote } of open) {
      if (quote.tagName === 'BLOCKQUOTE' && !quote.hasAttribute('dir')) {
        const dir = directionOf(text);
        if (dir) quote.setAttribute('dir', dir);
      }
    }
  };
  /**
   * A token `Markdown` does not draw as an element, kept as the characters written: `_` inside a
   * word (`snake_case`, a letter there, as `keepIntrawordUnderscores` makes markdown-to-jsx read
   * it) and LaTeX's `\(…\)` and `\[…\]` (which markdown-to-jsx reads as escaped brackets:
   * "(…)", "[…]"). (`$` never gets here: `writeEscapingDollars`.)
   */
  const plainToken = (type: number, opening: string, closing = opening): void => {
    const parent = top().element;
    if (parent === host) push(insert(host, element('p', { dir: 'auto' })), type, closing);
    else push(parent, type, closing);
    addText(opening);
  };

  const addToken = (type: number): void => {
    const parent = top().element;
    const add = (created: Element): void => {
      insert(parent, created);
      push(created, type);
    };
    switch (type) {
      case smd.DOCUMENT:
        return;
      case smd.PARAGRAPH:
        return add(element('p', { dir: 'auto' }));
      case smd.HEADING_1:
      case smd.HEADING_2:
      case smd.HEADING_3:
      case smd.HEADING_4:
      case smd.HEADING_5:
      case smd.HEADING_6: {
        const level = (type - smd.HEADING_1 + 1) as keyof typeof HEADING_TAG_OF_LEVEL;
        return add(element(HEADING_TAG_OF_LEVEL[level], { dir: 'auto', 'data-level': String(level) }));
      }
      case smd.BLOCKQUOTE:
        return add(element('blockquote'));
      case smd.LIST_UNORDERED:
        return add(element('ul'));
      case smd.LIST_ORDERED:
        return add(element('ol', { start: '1' })); // as markdown-to-jsx writes it
      case smd.LIST_ITEM:
        return add(element('li', { dir: 'auto' }));
      case smd.CHECKBOX:
        return add(element('input', { type: 'checkbox', disabled: '' }));
      case smd.CODE_BLOCK:
      case smd.CODE_FENCE: {
        const { box, code } = codeBlock();
        insert(parent, box);
        return push(code, type);
      }
      case smd.CODE_INLINE:
        return add(element('code'));
      case smd.ITALIC_UND:
        return WORD_CHARACTER.test(lastCharacter) ? plainToken(type, '_') : add(element('em'));
      case smd.STRONG_UND:
        return WORD_CHARACTER.test(lastCharacter) ? plainToken(type, '__') : add(element('strong'));
      case smd.ITALIC_AST:
        return add(element('em'));
      case smd.STRONG_AST:
        return add(element('strong'));
      case smd.STRIKE:
        return add(element('del'));
      case smd.LINK:
      case smd.RAW_URL:
      case smd.IMAGE:
        return add(element('a', { target: '_blank', rel: LINK_REL }));
      case smd.TABLE: {
        const { box, table } = scrollingTable();
        insert(parent, box);
        return push(table, type);
      }
      case smd.TABLE_ROW:
        return push(tableRow(parent), type);
      case smd.TABLE_CELL:
        return add(element(parent.parentElement?.tagName === 'THEAD' ? 'th' : 'td', { dir: 'auto' }));
      case smd.LINE_BREAK:
        // markdown-to-jsx keeps a line break as a newline in the text (CSS shows it), not a <br>.
        push(parent, type);
        return addText('\n');
      case smd.RULE:
        return add(element('hr'));
      case smd.EQUATION_INLINE:
        return plainToken(type, '(', ')');
      case smd.EQUATION_BLOCK:
        return plainToken(type, '[', ']');
      default:
        return add(element('span'));
    }
  };

  const endToken = (): void => {
    const ended = open.pop();
    if (!ended) return;
    // Only when the marker closed it (the parser still holds that marker): a paragraph ending
    // with it unclosed ("the user_id here.") adds no second '_'. An inline equation's closing
    // `\)` leaves nothing pending, so it is taken as closed.
    if (ended.closingText && (parser.pending.startsWith(ended.closingText.charAt(0)) || ended.type === smd.EQUATION_INLINE)) addText(ended.closingText);
    // An image is a link labelled with its alt text (`Markdown`'s ImageLink).
    if (ended.type === smd.IMAGE && ended.element.textContent === '') ended.element.append('Image');
  };

  const setAttribute = (type: number, value: string): void => {
    const target = top().element;
    if (type === smd.HREF || type === smd.SRC) {
      const url = safeUrl(value);
      if (url) target.setAttribute('href', url);
    } else if (type === smd.LANG) {
      // The info string's first word only, as markdown-to-jsx reads it: the rest of the line
      // would otherwise put any class of the page on the element ("```js sr-only").
      const lang = /\S+/.exec(value)?.[0];
      if (lang) target.setAttribute('class', `lang-${lang}`);
    } else if (type === smd.START) {
      target.setAttribute('start', value);
    } else if (type === smd.CHECKED) {
      target.setAttribute('checked', '');
    }
  };

  const renderer = { data: null, add_token: (_: null, type: number) => addToken(type), end_token: endToken, add_text: (_: null, text: string) => addText(text), set_attr: (_: null, type: number, value: string) => setAttribute(type, value) };
  let parser = smd.parser(renderer);

  /**
   * `text` from `from` on, to the parser. The parser reads `$…$` as an equation, and one that
   * never closes ("add it to your $PATH") swallowed the rest of the reply into one run of text
   * while it streamed. markdown-to-jsx reads `$` as a letter, so outside code it is given to the
   * parser escaped; in code (or a backtick about to open it) and after a backslash, as written.
   */
  const writeEscapingDollars = (more: string): void => {
    let start = 0;
    for (let at = more.indexOf('$'); at !== -1; at = more.indexOf('$', at + 1)) {
      smd.parser_write(parser, more.slice(start, at));
      const inCode = parser.token === smd.CODE_INLINE || parser.token === smd.CODE_FENCE || parser.token === smd.CODE_BLOCK || parser.pending.includes('`');
      const escaped = (at === 0 ? lastWritten : more[at - 1]) === '\\';
      smd.parser_write(parser, inCode || escaped ? '$' : '\\$');
      start = at + 1;
    }
    smd.parser_write(parser, more.slice(start));
    if (more !== '') lastWritten = more.slice(-1);
  };

  const append = (more: string): void => {
    writeEscapingDollars(more);
    written += more;
    // Nothing new (the row redraws on every change of the store: typing, presence) keeps the blink;
    // the caret is still placed (a reply with no text yet shows it).
    if (more !== '') {
      lastAddedAt = Date.now();
      if (caret.hasAttribute('data-blink-off')) caret.removeAttribute('data-blink-off');
    }
    const target = caretTarget(top().element, caret);
    const held = target === top().element && PLAIN_TEXT.test(parser.pending) ? parser.pending : '';
    if (heldBack.data !== held) heldBack.data = held;
    if (heldBack.parentNode !== target) target.insertBefore(heldBack, caret.parentNode === target ? caret : null);
    if (caret.parentNode !== target || caret.nextSibling !== null) target.append(caret);
  };

  const show = (text: string): void => {
    if (text === written) return;
    if (!text.startsWith(written)) {
      host.replaceChildren();
      open = [];
      lastCharacter = '';
      lastWritten = '';
      written = '';
      parser = smd.parser(renderer);
    }
    append(text.slice(written.length));
  };

  return {
    show,
    append,
    finish(text) {
      show(text);
      clearInterval(blink);
      heldBack.remove();
      caret.remove();
      // Emphasis or a link still open at the end ("ends mid **bold"): `Markdown` shows its marker as text.
      const endsInsideInline = open.some(({ type }) => INLINE.has(type));
      smd.parser_end(parser);
      return !endsInsideInline && drawsLikeMarkdown(text);
    },
    destroy() {
      clearInterval(blink);
    },
  };
}

/**
 * Whether the streamed drawing of a finished reply is what `Markdown` (markdown-to-jsx) draws, so it
 * can stay. The two parsers agree on plain prose, emphasis, inline code, `#` headings, tight
 * unindented lists and fenced code, and differ on much else (links with parentheses or titles,
 * brackets that open no link, tables' alignment, character references, bare addresses next to
 * punctuation, indented blocks inside list items, setext headings, tilde fences, autolinks and
 * HTML, a reply stopped right after a marker, and more): the kept drawing would stay wrong until a
 * reload. So this is an allow-list, not a list of known differences: a reply is kept only when its
 * text outside code uses nothing but what the two are known to draw alike; anything else is
 * drawn by `Markdown`, as every reply was before. `streaming-reply.test.tsx` holds the texts each
 * rule is for, and 600 generated replies whose finished look must be `Markdown`'s either way.
 */
const FENCED_CODE = /^```[^\n`]*\n[\s\S]*?(?:^```[ \t]*$|(?![\s\S]))/gm;
const INLINE_CODE = /`[^`\n]+`/g;
const NOT_PLAIN = [
  /[[\]<>&|~\\]/, // links, images, footnotes, HTML, quotes, tables, strikethrough, escapes
  /https?:|www\./i, // bare addresses
  /^[ \t]+\S/m, // indented lines: blocks inside list items, nested lists, indented code
  /^ {0,3}([-=*_])[ \t]*(?:\1[ \t]*)*$/m, // rules and setext heading underlines
  /^#{1,6}[ \t]+.*[ \t]#+[ \t]*$/m, // a heading with closing #s
  /^(?:[-*+]|\d{1,9}[.)])[ \t].*\n(?:[ \t]*\n)+(?:[-*+]|\d{1,9}[.)])[ \t]/m, // a loose list
  /(?:^|\n)(?:[-*+]|\d{1,9}[.)]|#{1,6})[ \t]*$/, // stopped right after a list or heading marker
  /\s[*_]+\s/, // a lone * or _ between spaces ("5 * 3"): emphasis the two read differently
  /`/, // a backtick left over after inline code: an unclosed code span
  /[*_]{3,}/, // runs of emphasis markers
  /^#{1,6}[ \t].*\n(?!\n|$)|[^\n]\n#{1,6}[ \t]/m, // a heading without a blank line around it
  /^(?:[-+]|\d{1,9}[.)])[ \t].*\n(?!(?:[-+]|\d{1,9}[.)])[ \t]|\n|$)/m, // a list item followed by text (a lazy continuation)
  /^[-+][ \t].*\n\d{1,9}[.)][ \t]|^\d{1,9}[.)][ \t].*\n[-+][ \t]/m, // a bullet list and a numbered one touching
  /[\p{L}\p{N}]_/u, // an underscore inside a word (kept as text here, which can unbalance emphasis around it)
  / {2,}\n/, // two spaces before a newline: a line break to markdown-to-jsx, a space here
  /^(?:[-*+]|\d{1,9}[.)])[ \t]+(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/m, // a list marker right after one ("- - a"): a nested list to markdown-to-jsx
];

/** Whether a code fence touches the text around it (no blank line before it opens or after it closes): parsed differently. */
function fenceTouchesText(text: string): boolean {
  const lines = text.split('\n');
  let open = false;
  for (let at = 0; at < lines.length; at += 1) {
    if (!(lines[at] ?? '').startsWith('```')) continue;
    const neighbour = open ? lines[at + 1] : lines[at - 1];
    if (neighbour !== undefined && neighbour.trim() !== '') return true;
    open = !open;
  }
  return false;
}

function drawsLikeMarkdown(text: string): boolean {
  // `$` goes to the parser escaped or not depending on where it stands (`writeEscapingDollars`),
  // which at the edges of code can leave a backslash in sight.
  if (text.includes('$') || fenceTouchesText(text)) return false;
  // Inline code stands as one letter (a word, to the rules): taken out, a line that opens with it
  // ("`npm test` runs them") read as an indented line, and every such reply was drawn again. Not
  // code holding an emphasis marker or a backslash, which markdown-to-jsx can read across
  // ("`x`* then `*`" is emphasis to it, "`C:\`" an escaped backtick): that stands as a backtick,
  // which no plain text has.
  const prose = text.replace(FENCED_CODE, '').replace(INLINE_CODE, (code) => (/[*_\\]/.test(code) ? '`' : 'x'));
  return !NOT_PLAIN.some((pattern) => pattern.test(prose));
}
