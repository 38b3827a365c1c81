import { MAX_MESSAGE_CHARS, messageLength } from './limits';
import { MessageContent } from './models';

describe('messageLength', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['😀', 1],
    ['a😀b', 3],
    ['👍🏽', 2], // an emoji and its skin-tone modifier: two code points
    ['\uD800', 1], // a lone surrogate is still one character
    ['\uDC00\uD800', 2],
    ['مرحبا', 5],
  ])('%j is %i characters', (text, length) => {
    expect(messageLength(text)).toBe(length);
  });

  it('agrees with the schema the server checks messages with, at the limit', () => {
    for (const unit of ['x', '😀', 'é']) {
      const atLimit = unit.repeat(MAX_MESSAGE_CHARS);
      expect(messageLength(atLimit)).toBe(MAX_MESSAGE_CHARS);
      expect(MessageContent.safeParse(atLimit).success).toBe(true);
      expect(messageLength(`${atLimit}a`)).toBe(MAX_MESSAGE_CHARS + 1);
      expect(MessageContent.safeParse(`${atLimit}a`).success).toBe(false);
    }
  });
});
