import type { StreamData } from './ws';

/** What a `stream` frame does to the text held: add a piece at its end, or replace it whole. */
export type StreamStep = { append: string } | { replace: string };

/**
 * What a `stream` frame does to a reply's text, given the text held before it (undefined: none
 * yet), or null when the frame changes nothing or cannot be applied:
 * - with `content` (the first frame of a connection, a snapshot): replace it with that text,
 *   unless it is shorter than what is held (an older snapshot must not roll the text back);
 * - with only `delta` at `offset`: append the part of `delta` the held text lacks. A delta
 *   already held (a snapshot ran ahead of the live frames) changes nothing; one starting past the
 *   end of the held text cannot be placed (the `done` frame brings the whole text anyway).
 */
export function streamStep(held: string | undefined, data: Pick<StreamData, 'delta' | 'offset' | 'content'>): StreamStep | null {
  if (data.content !== undefined) return held !== undefined && held.length >= data.content.length ? null : { replace: data.content };
  const { offset } = data;
  if (held === undefined || offset === undefined || offset > held.length) return null;
  const end = offset + data.delta.length;
  return end <= held.length ? null : { append: data.delta.slice(held.length - offset) };
}

/** A reply's text after a `stream` frame (`streamStep`), or null when the frame changes nothing or cannot be applied. */
export function streamedText(held: string | undefined, data: Pick<StreamData, 'delta' | 'offset' | 'content'>): string | null {
  const step = streamStep(held, data);
  if (step === null) return null;
  return 'append' in step ? `${held ?? ''}${step.append}` : step.replace;
}
