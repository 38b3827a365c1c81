/**
 * markdown-to-jsx (v7) reads `_` inside a word as emphasis: `my_var_name` showed as my*var*name,
 * and `file_name_v2.txt` lost its underscores. CommonMark (and every chat product's markdown) reads
 * them as letters. v9 of the library does too but is ~25 kB gzip larger, more than the page-weight
 * budget allows, so each block's text is given to the parser with those underscores escaped
 * (`my\_var\_name`), except where markdown reads text literally or as an address: fenced and
 * indented code, code spans, autolinks, link destinations, bare URLs and email addresses, where a
 * backslash would show or change the address. `_emphasis_` between spaces is untouched.
 */

/** A fence, also inside a quote (`> ```). */
const FENCE = /^[\s>]*(`{3,}|~{3,})/;
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
  const lines = block.split('\n');
  let fence: string | null = null;
  let prose: string[] = [];
  const out: string[] = [];
  const flushProse = () => {
    if (prose.length > 0) out.push(escapeOutsideLiterals(prose.join('\n')));
    prose = [];
  };
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== null) {
      out.push(line);
      // Closed by a fence of the same kind (as markdown-blocks reads it).
      if (marker !== undefined && marker[0] === fence[0]) fence = null;
    } else if (marker !== undefined) {
      flushProse();
      out.push(line);
      fence = marker;
    } else {
      prose.push(line);
    }
  }
  flushProse();
  return out.join('\n');
}
