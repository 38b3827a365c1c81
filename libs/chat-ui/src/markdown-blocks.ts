/**
 * Splits a message's markdown into top-level blocks that render the same one by one as all
 * together, so a streamed reply re-parses only its last block: the blocks above it keep their
 * text, and their memoized render, while tokens arrive (`npm run bench -- render`).
 *
 * A block ends at a blank line, and only where what follows cannot belong to what came before.
 * When in doubt it does not split (a bigger block costs time, never correctness):
 * - never inside a fenced code block (``` or ~~~), whose blank lines are code;
 * - never before a line indented 4 or more (indented code goes on across blank lines) or a list
 *   item (a "loose" list, with blank lines between its items, is still one list);
 * - after a list, only before a line that starts at column 0: markdown-to-jsx goes on with a list
 *   across blank lines for as long as the next line starts with a space (CommonMark would end it
 *   at a line indented less than the item's text; following the parser we use is what counts);
 * - never at all when the text defines a link reference or footnote (`[id]: url`), which any
 *   block may use.
 */

const FENCE = /^\s*(`{3,}|~{3,})/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

function indentOf(line: string): number {
  return /^ */.exec(line.replace(/\t/g, '    '))?.[0].length ?? 0;
}

export function splitMarkdownBlocks(text: string): string[] {
  if (REFERENCE_DEFINITION.test(text)) return [text];
  const blocks: string[] = [];
  let current: string[] = [];
  let hasContent = false;
  let fence: string | null = null;
  let afterBlank = false;
  let inList = false;

  for (const line of text.split('\n')) {
    const blank = line.trim() === '';
    if (fence === null && afterBlank && !blank && hasContent) {
      const indent = indentOf(line);
      const endsBlock = (inList ? indent === 0 : indent < 4) && !LIST_ITEM.test(line);
      if (endsBlock) {
        blocks.push(current.join('\n'));
        current = [];
        hasContent = false;
        inList = false;
      }
    }
    current.push(line);
    hasContent ||= !blank;
    inList ||= fence === null && LIST_ITEM.test(line);
    const marker = FENCE.exec(line)?.[1];
    if (marker && (fence === null || (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker))) {
      fence = fence === null ? marker : null;
    }
    afterBlank = blank;
  }
  const last = current.join('\n');
  if (hasContent || blocks.length === 0) blocks.push(last);
  return blocks;
}
