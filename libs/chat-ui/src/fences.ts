/** A fence, also inside a quote (`> ```). */
const FENCE = /^[\s>]*(`{3,}|~{3,})/;

/**
 * Reads a block's lines in order and says, for each, whether it is prose: not a fence line and not
 * inside fenced code. A fence is closed by a fence line of the same kind, as `markdown-blocks`
 * reads it. The rewrites made before parsing (`keepIntrawordUnderscores`, `separateListKinds`)
 * must leave code as written.
 */
export function createFenceReader(): (line: string) => boolean {
  let fence: string | null = null;
  return (line) => {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0]) fence = null;
      return false;
    }
    if (marker !== undefined) {
      fence = marker;
      return false;
    }
    return true;
  };
}
