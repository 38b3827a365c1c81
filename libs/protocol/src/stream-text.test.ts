import { streamedText } from './stream-text';

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
