/**
 * In CommonMark a bullet item right under a numbered one (or the other way round) starts a new
 * list, and models write "- a\n- b\n1. step" that way. markdown-to-jsx (v7) nests the second list
 * inside the first one's last item instead, indented as if it were a sub-list. A blank line between
 * the two is read the same by both, so one is added there, outside fenced code.
 */

import { createFenceReader } from './fences';

/** An item at column 0: an indented one may be a sub-list, which is where it should nest. */
const TOP_LEVEL_ITEM = /^(?:([-*+])|\d{1,9}[.)])(?:[ \t]|$)/;
const HAS_BULLET = /^[-*+][ \t]/m;
const HAS_NUMBER = /^\d{1,9}[.)][ \t]/m;

type ListKind = 'bullet' | 'number';

function itemKind(line: string): ListKind | null {
  const match = TOP_LEVEL_ITEM.exec(line);
  if (!match) return null;
  return match[1] === undefined ? 'number' : 'bullet';
}

/** `block` with a blank line where a top-level list of one kind is followed by an item of the other. */
export function separateListKinds(block: string): string {
  if (!HAS_BULLET.test(block) || !HAS_NUMBER.test(block)) return block;
  const out: string[] = [];
  const isProse = createFenceReader();
  let listKind: ListKind | null = null;
  for (const line of block.split('\n')) {
    if (isProse(line)) {
      const kind = itemKind(line);
      if (kind !== null && listKind !== null && kind !== listKind) out.push('');
      // An indented line belongs to the item above; a blank line or any other line ends the list.
      listKind = kind ?? (/^\s+\S/.test(line) ? listKind : null);
    }
    out.push(line);
  }
  return out.join('\n');
}
