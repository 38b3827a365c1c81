import type { StreamData } from './ws';

/**
 * A reply's text after a `stream` frame, given the text held before it (undefined: none yet), or
 * null when the frame changes nothing or cannot be applied:
 * - with `content` (the first frame of a connection, a snapshot): that text, unless it is shorter
 *   than what is held (an older snapshot must not roll the text back);
 * - with only `delta` at `offset`: the held text extended by the part of `delta` it lacks. A delta
 *   already held (a snapshot ran ahead of the live frames) changes nothing; one starting past the
 *   end of the held text cannot be placed (the `done` frame brings the whole text anyway).
 */
export function streamedText(held: string | undefined, data: Pick<StreamData, 'delta' | 'offset' | 'content'>): string | null {
  if (data.content !== undefined) return held !== undefined && held.length >= data.content.length ? null : data.content;
  const { offset } = data;
  if (held === undefined || offset === undefined || offset > held.length) return null;
  const end = offset + data.delta.length;
  return end <= held.length ? null : held + data.delta.slice(held.length - offset);
}
