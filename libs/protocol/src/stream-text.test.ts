import { streamedText, streamStep } from './stream-text';

const frame = (delta: string, offset: number, content?: string) => ({ delta, offset, content });

describe('streamedText: a reply text from stream frames', () => {
  it('takes the whole text from a frame that carries it, then appends deltas at their offset', () => {
    let text = streamedText(undefined, frame('Hel', 0, 'Hel'));
    expect(text).toBe('Hel');
    text = streamedText(text ?? undefined, frame('lo', 3)) ?? text;
    text = streamedText(text ?? undefined, frame(' world', 5)) ?? text;
    expect(text).toBe('Hello world');
  });

  it('ignores a delta already held, and appends only the new part of one that overlaps', () => {
    expect(streamedText('Hello world', frame('lo', 3))).toBeNull();
    expect(streamedText('Hello', frame('lo there', 3))).toBe('Hello there');
  });

  it('cannot place a delta that starts past the held text, or one without any held text', () => {
    expect(streamedText('Hel', frame('world', 6))).toBeNull();
    expect(streamedText(undefined, frame('lo', 3))).toBeNull();
  });

  it('never rolls the text back to an older snapshot', () => {
    expect(streamedText('Hello world', frame('', 5, 'Hello'))).toBeNull();
    expect(streamedText('Hello', frame('', 11, 'Hello world'))).toBe('Hello world');
  });
});

describe('streamStep: what a stream frame does to the text held', () => {
  it('appends only the part of a delta the held text lacks', () => {
    expect(streamStep('Hello', frame('lo there', 3))).toEqual({ append: ' there' });
    expect(streamStep('Hello', frame(' world', 5))).toEqual({ append: ' world' });
  });

  it('replaces the text with a longer snapshot, and does nothing for a repeated delta or an older snapshot', () => {
    expect(streamStep('Hel', frame('', 11, 'Hello world'))).toEqual({ replace: 'Hello world' });
    expect(streamStep(undefined, frame('Hel', 0, 'Hel'))).toEqual({ replace: 'Hel' });
    expect(streamStep('Hello world', frame('lo', 3))).toBeNull();
    expect(streamStep('Hello world', frame('', 5, 'Hello'))).toBeNull();
  });
});
