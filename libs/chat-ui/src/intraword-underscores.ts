/**
 * markdown-to-jsx (v7) reads `_` inside a word as emphasis: `my_var_name` showed as my*var*name,
 * and `file_name_v2.txt` lost its underscores. CommonMark (and every chat product's markdown) reads
 * them as letters. v9 of the library does too but is ~25 kB gzip larger, more than the page-weight
 * budget allows, so each block's text is given to the parser with those underscores escaped
 * (`my\_var\_name`), except where markdown reads text literally or as an address: fenced and
 * indented code, code spans, autolinks, link destinations, bare URLs and email addresses, where a
 * backslash would show or change the address. `_emphasis_` between spaces is untouched.
 */

import { createFenceReader } from './fences';

const INDENTED_CODE = /^(?: {4}|\t)/;
/** What is read literally or as an address, left as written. */
const LITERAL = /(`+)[^]*?\1|<[^<>\s]+>|\]\([^)]*\)|(?:https?:\/\/|www\.)[^\s<]+|[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const INTRAWORD_UNDERSCORE = /(?<=[\p{L}\p{N}])_(?=[\p{L}\p{N}])/gu;

function escapeOutsideLiterals(text: string): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(LITERAL)) {
    out += text.slice(from, match.index).replace(INTRAWORD_UNDERSCORE, '\\_') + match[0];
    from = match.index + match[0].length;
  }
  return out + text.slice(from).replace(INTRAWORD_UNDERSCORE, '\\_');
}

/** `block` (one top-level markdown block) with its intraword underscores escaped. */
export function keepIntrawordUnderscores(block: string): string {
  if (!block.includes('_') || INDENTED_CODE.test(block)) return block;
  const isProse = createFenceReader();
  let prose: string[] = [];
  const out: string[] = [];
  const flushProse = () => {
    if (prose.length > 0) out.push(escapeOutsideLiterals(prose.join('\n')));
    prose = [];
  };
  for (const line of block.split('\n')) {
    if (isProse(line)) {
      prose.push(line);
    } else {
      flushProse();
      out.push(line);
    }
  }
  flushProse();
  return out.join('\n');
}
