/**
 * Splits a message's markdown into top-level blocks that render the same one by one as all
 * together, so a streamed reply re-parses only its last block: the blocks above it keep their
 * text, and their memoized render, while tokens arrive (`npm run bench -- render`).
 *
 * A block ends at a blank line, and only where what follows cannot belong to what came before,
 * as markdown-to-jsx (not CommonMark) reads it. When in doubt it does not split (a bigger block
 * costs time, never correctness):
 * - never inside a fenced code block (``` or ~~~), whose blank lines are code; like markdown-to-jsx
 *   a fence ends at the first line holding its marker, even mid-line;
 * - only before a line that `opensBlock`, and never after a block holding an indented line (a
 *   nested list, indented code: markdown-to-jsx's reading of what follows those varies);
 * - never at all when the text defines a link reference or footnote (`[id]: url`), which any
 *   block may use, or opens with `---` (markdown-to-jsx may read a front-matter block there).
 * A randomized test renders thousands of generated texts both ways and compares the HTML (each
 * rule above was found that way).
 */

const FENCE = /^\s*(`{3,}|~{3,})/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

/**
 * Whether a line after a blank line starts a block of its own: it must start at column 0 (an
 * indented line may continue a list item or an indented code block; markdown-to-jsx even goes on
 * with a list across blank lines while lines start with a space), not be a list item (a "loose"
 * list is one list) and not start with `---` (alone, a block opening with it may be read as front
 * matter).
 */
function opensBlock(line: string): boolean {
  return !/^\s/.test(line) && !LIST_ITEM.test(line) && !line.startsWith('---');
}

export function splitMarkdownBlocks(text: string): string[] {
  if (REFERENCE_DEFINITION.test(text) || text.startsWith('---')) return [text];
  const blocks: string[] = [];
  let current: string[] = [];
  let hasContent = false;
  let fence: string | null = null;
  let afterBlank = false;
  let unsure = false;
  let indented = false;

  for (const line of text.split('\n')) {
    const blank = line.trim() === '';
    if (!unsure && !indented && fence === null && afterBlank && !blank && hasContent && opensBlock(line)) {
      blocks.push(current.join('\n'));
      current = [];
      hasContent = false;
      indented = false;
    }
    indented ||= !blank && /^\s/.test(line);
    current.push(line);
    hasContent ||= !blank;
    if (fence !== null) {
      if (line.includes(fence)) fence = null;
    } else {
      fence = FENCE.exec(line)?.[1] ?? null;
      // A fence right under a line of text may be read as part of that paragraph or list item:
      // whether what follows is code is not clear, so nothing after it is split off.
      if (fence !== null && current.length > 1 && !afterBlank) unsure = true;
    }
    afterBlank = blank;
  }
  const last = current.join('\n');
  if (hasContent || blocks.length === 0) blocks.push(last);
  return blocks;
}
