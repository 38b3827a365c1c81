import { countNewBelow, jumpLabel } from './jump-to-latest';

describe('countNewBelow', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];

  it('counts the messages below the one that was last when the reader scrolled away', () => {
    expect(countNewBelow(keys, 'c')).toBe(2);
    expect(countNewBelow(keys, 'd')).toBe(1);
  });

  it('is 0 while nothing arrived (a reply growing is the same message)', () => {
    expect(countNewBelow(keys, 'e')).toBe(0);
  });

  it('does not count older messages loaded above', () => {
    expect(countNewBelow(['x', 'y', ...keys], 'c')).toBe(2);
  });

  it('is 0 when nothing was there, or the message is gone', () => {
    expect(countNewBelow(keys, null)).toBe(0);
    expect(countNewBelow(keys, 'gone')).toBe(0);
    expect(countNewBelow([], 'a')).toBe(0);
  });
});

describe('jumpLabel', () => {
  it.each([
    [0, 'Jump to latest', 'Jump to latest'],
    [1, '1 new message', '1 new message. Jump to latest'],
    [3, '3 new messages', '3 new messages. Jump to latest'],
    [1200, '1,200 new messages', '1,200 new messages. Jump to latest'],
  ])('%i → %s', (count, text, name) => {
    expect(jumpLabel(count)).toEqual({ text, name });
  });
});
