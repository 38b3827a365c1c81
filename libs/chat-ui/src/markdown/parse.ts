/**
 * A small markdown parser for chat messages, producing plain data (rendered by `Markdown.tsx` as
 * React elements — never as HTML strings, so raw HTML in a message can only ever be text).
 *
 * Why not react-markdown: it (with micromark, mdast, hast) was ~35 kB gzip of every page's
 * first-load JavaScript, and it re-parses the whole reply on every streamed token (a 2,000-token
 * reply is parsed hundreds of times). This covers what people and models write in chat —
 * paragraphs, emphasis, code spans and fences, links, lists, headings, quotes, rules — and keeps
 * the top-level blocks' source text so unchanged blocks are not re-rendered while a reply streams.
 * Anything it does not understand stays visible as the characters that were typed.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'em' | 'strong'; children: Inline[] }
  /** `href` is null when the URL was unsafe (javascript:, data:…): the text is kept, the link is not. */
  | { type: 'link'; href: string | null; title: string | null; children: Inline[] }
  | { type: 'break' };

export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; text: string }
  | { type: 'code'; lang: string | null; text: string }
  | { type: 'rule' }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] };

/** A top-level block with the source lines it came from (what memoized rendering compares). */
export interface SourceBlock {
  block: Block;
  source: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)?.*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^( {0,3})([-*+])(?:[ \t]+(.*))?$/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])(?:[ \t]+(.*))?$/;
const BLANK = /^[ \t]*$/;

interface ListMarker {
  ordered: boolean;
  start: number;
  /** The marker character (`-`, `*`, `+`, `.` or `)`): a different one starts a new list. */
  char: string;
  /** Columns taken by indentation + marker + space: continuation lines are indented this much. */
  width: number;
  first: string;
}

function listMarker(line: string): ListMarker | null {
  const bullet = BULLET.exec(line);
  if (bullet) {
    const [, indent = '', char = '-', rest = ''] = bullet;
    return { ordered: false, start: 1, char, width: indent.length + 2, first: rest };
  }
  const ordered = ORDERED.exec(line);
  if (ordered) {
    const [, indent = '', digits = '1', char = '.', rest = ''] = ordered;
    return { ordered: true, start: Number(digits), char, width: indent.length + digits.length + 2, first: rest };
  }
  return null;
}

/** Whether a line starts a block other than a paragraph (so it ends a paragraph). */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || listMarker(line) !== null;
}

function dedent(line: string, width: number): string {
  let i = 0;
  while (i < width && i < line.length && line[i] === ' ') i += 1;
  return line.slice(i);
}

/** Parses lines[from…] into one block; returns it and the index of the first line after it. */
function parseBlockAt(lines: readonly string[], from: number): { block: Block; next: number } {
  const line = lines[from] ?? '';

  const fence = FENCE.exec(line);
  if (fence) {
    const marker = fence[1] ?? '```';
    const body: string[] = [];
    const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
    let i = from + 1;
    // An unclosed fence runs to the end: while a reply streams, its code shows as code at once.
    while (i < lines.length && !closing.test(lines[i] ?? '')) {
      body.push(lines[i] ?? '');
      i += 1;
    }
    return { block: { type: 'code', lang: fence[2] || null, text: body.join('\n') }, next: Math.min(i + 1, lines.length) };
  }

  const heading = HEADING.exec(line);
  if (heading) {
    const level = (heading[1] ?? '#').length as 1 | 2 | 3 | 4 | 5 | 6;
    return { block: { type: 'heading', level, text: heading[2] ?? '' }, next: from + 1 };
  }

  if (RULE.test(line)) return { block: { type: 'rule' }, next: from + 1 };

  if (QUOTE.test(line)) {
    const inner: string[] = [];
    let i = from;
    for (; i < lines.length; i += 1) {
      const quoted = QUOTE.exec(lines[i] ?? '');
      if (quoted) inner.push(quoted[1] ?? '');
      // A lazy continuation line of a quoted paragraph stays in the quote.
      else if (!BLANK.test(lines[i] ?? '') && !startsBlock(lines[i] ?? '') && inner.length > 0 && !BLANK.test(inner[inner.length - 1] ?? '')) inner.push(lines[i] ?? '');
      else break;
    }
    return { block: { type: 'quote', children: parseLines(inner).map((b) => b.block) }, next: i };
  }

  const marker = listMarker(line);
  if (marker) return parseList(lines, from, marker);

  const text: string[] = [line];
  let i = from + 1;
  while (i < lines.length && !BLANK.test(lines[i] ?? '') && !startsBlock(lines[i] ?? '')) {
    text.push(lines[i] ?? '');
    i += 1;
  }
  return { block: { type: 'paragraph', text: text.map((l) => l.replace(/^[ \t]+/, '')).join('\n') }, next: i };
}

function parseList(lines: readonly string[], from: number, first: ListMarker): { block: Block; next: number } {
  const items: Block[][] = [];
  let i = from;
  let marker: ListMarker | null = first;
  while (marker && marker.ordered === first.ordered && marker.char === first.char) {
    const body: string[] = [marker.first];
    i += 1;
    for (; i < lines.length; i += 1) {
      const current = lines[i] ?? '';
      if (BLANK.test(current)) {
        // A blank line continues the item only if the next non-blank line is indented under it.
        let j = i + 1;
        while (j < lines.length && BLANK.test(lines[j] ?? '')) j += 1;
        if (j < lines.length && /^ */.exec(lines[j] ?? '')![0].length >= marker.width) {
          body.push('');
          continue;
        }
        break;
      }
      const indent = /^ */.exec(current)![0].length;
      if (indent >= marker.width) body.push(dedent(current, marker.width));
      else if (listMarker(current) || startsBlock(current)) break;
      else body.push(current.trimStart()); // lazy continuation of the item's paragraph
    }
    items.push(parseLines(body).map((b) => b.block));
    // Items of one list may be separated by blank lines.
    let j = i;
    while (j < lines.length && BLANK.test(lines[j] ?? '')) j += 1;
    marker = j < lines.length ? listMarker(lines[j] ?? '') : null;
    if (marker && marker.ordered === first.ordered && marker.char === first.char) i = j;
  }
  return { block: { type: 'list', ordered: first.ordered, start: first.start, items }, next: i };
}

function parseLines(lines: readonly string[]): SourceBlock[] {
  const blocks: SourceBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (BLANK.test(lines[i] ?? '')) {
      i += 1;
      continue;
    }
    const { block, next } = parseBlockAt(lines, i);
    blocks.push({ block, source: lines.slice(i, next).join('\n') });
    i = Math.max(next, i + 1);
  }
  return blocks;
}

export function parseBlocks(markdown: string): SourceBlock[] {
  return parseLines(markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
}

// ---------- inline ----------

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', mdash: '—', ndash: '–', hellip: '…' };
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The URL to link to, or null when it must not be a link. Browsers ignore control characters and
 * whitespace inside a scheme ("java\tscript:"), so those are removed before the check.
 */
export function safeHref(raw: string): string | null {
  const url = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020\u007f]/g, ''));
  if (scheme && !SAFE_SCHEMES.has((scheme[1] ?? '').toLowerCase())) return null;
  return url;
}

function decodeEntity(name: string): string | null {
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : null;
  }
  return ENTITIES[name] ?? null;
}

const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c);
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** The index just past `]` matching the `[` at `open`, or -1. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const end = text.indexOf(run, i + run.length);
      if (end >= 0) i = end + run.length - 1;
    } else if (c === '[') depth += 1;
    else if (c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** `(url "title")` right after a link's text: the destination, the title and where it ends. */
function linkTarget(text: string, at: number): { url: string; title: string | null; end: number } | null {
  if (text[at] !== '(') return null;
  let i = at + 1;
  while (text[i] === ' ') i += 1;
  let url = '';
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    if (close < 0) return null;
    url = text.slice(i + 1, close);
    i = close + 1;
  } else {
    let depth = 0;
    const start = i;
    for (; i < text.length; i += 1) {
      const c = text[i] as string;
      if (c === '\\') i += 1;
      else if (c === '(') depth += 1;
      else if (c === ')') {
        if (depth === 0) break;
        depth -= 1;
      } else if (/\s/.test(c)) break;
    }
    url = text.slice(start, i);
  }
  while (text[i] === ' ') i += 1;
  let title: string | null = null;
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, i + 1);
    if (close < 0) return null;
    title = text.slice(i + 1, close);
    i = close + 1;
    while (text[i] === ' ') i += 1;
  }
  if (text[i] !== ')') return null;
  return { url: url.replace(/\\([!-/:-@[-`{-~])/g, '$1'), title, end: i + 1 };
}

/** Where the emphasis opened at `from` with `delim` (e.g. `**`) closes, or -1. */
function closingDelimiter(text: string, from: number, delim: string): number {
  const char = delim[0] as string;
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const end = text.indexOf(run, i + run.length);
      if (end >= 0) i = end + run.length - 1;
      continue;
    }
    if (c !== char || !text.startsWith(delim, i)) continue;
    const run = /^[*_]+/.exec(text.slice(i))![0];
    const runOfChar = run.length - run.replace(new RegExp(`^\\${char}+`), '').length;
    const before = text[i - 1];
    const after = text[i + runOfChar];
    const rightFlanking = !isSpace(before);
    const closesUnderscore = char !== '_' || !isWordChar(after);
    if (rightFlanking && closesUnderscore && i > from) {
      // Close on the last `delim` of a longer run, so `**bold***` keeps the extra star outside.
      return runOfChar > delim.length && delim.length === 1 ? i + runOfChar - 1 : i;
    }
    i += runOfChar - 1;
  }
  return -1;
}

export function parseInline(text: string, inLink = false): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = (): void => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const rest = text.slice(i);

    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        flush();
        out.push({ type: 'break' });
        i += 2;
        continue;
      }
      if (next !== undefined && PUNCTUATION.test(next)) {
        buffer += next;
        i += 2;
        continue;
      }
    }

    if (c === '\n') {
      // Two spaces before a line end are a hard break; otherwise it is a soft one (a space).
      if (/ {2,}$/.test(buffer)) {
        buffer = buffer.replace(/ +$/, '');
        flush();
        out.push({ type: 'break' });
      } else buffer = `${buffer.replace(/ +$/, '')}\n`;
      i += 1;
      while (text[i] === ' ') i += 1;
      continue;
    }

    if (c === '`') {
      const run = /^`+/.exec(rest)![0];
      const end = text.indexOf(run, i + run.length);
      // A closing run must be exactly as long (not part of a longer run).
      if (end >= 0 && text[end + run.length] !== '`') {
        let code = text.slice(i + run.length, end).replace(/\n/g, ' ');
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
        flush();
        out.push({ type: 'code', text: code });
        i = end + run.length;
        continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }

    if (c === '&') {
      const entity = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/.exec(rest);
      const decoded = entity ? decodeEntity(entity[1] ?? '') : null;
      if (entity && decoded !== null) {
        buffer += decoded;
        i += entity[0].length;
        continue;
      }
    }

    if (c === '<' && !inLink) {
      const auto = /^<((?:https?|mailto):[^\s<>]*)>/i.exec(rest);
      if (auto) {
        flush();
        out.push({ type: 'link', href: safeHref(auto[1] ?? ''), title: null, children: [{ type: 'text', text: auto[1] ?? '' }] });
        i += auto[0].length;
        continue;
      }
    }

    const image = c === '!' && text[i + 1] === '[';
    if ((c === '[' || image) && !inLink) {
      const open = image ? i + 1 : i;
      const close = closingBracket(text, open);
      const target = close > 0 ? linkTarget(text, close) : null;
      if (target) {
        const label = text.slice(open + 1, close - 1);
        flush();
        // An image becomes a link to it (nothing loads unless the reader chooses to).
        const children = image ? [{ type: 'text' as const, text: label || 'Image' }] : parseInline(label, true);
        out.push({ type: 'link', href: safeHref(target.url), title: target.title, children });
        i = target.end;
        continue;
      }
    }

    if (c === '*' || c === '_') {
      const run = new RegExp(`^\\${c}+`).exec(rest)![0];
      const before = text[i - 1];
      const after = text[i + run.length];
      const leftFlanking = !isSpace(after);
      const opensUnderscore = c !== '_' || !isWordChar(before);
      if (leftFlanking && opensUnderscore) {
        const tries = run.length >= 3 ? [3, 2, 1] : run.length === 2 ? [2, 1] : [1];
        let matched = false;
        for (const n of tries) {
          const delim = c.repeat(n);
          const start = i + run.length - n;
          const end = closingDelimiter(text, start + n, delim);
          if (end < 0) continue;
          const inner = parseInline(text.slice(start + n, end), inLink);
          buffer += run.slice(0, run.length - n);
          flush();
          if (n === 3) out.push({ type: 'em', children: [{ type: 'strong', children: inner }] });
          else out.push({ type: n === 2 ? 'strong' : 'em', children: inner });
          i = end + n;
          matched = true;
          break;
        }
        if (matched) continue;
      }
      buffer += run;
      i += run.length;
      continue;
    }

    buffer += c;
    i += 1;
  }
  flush();
  return out;
}
