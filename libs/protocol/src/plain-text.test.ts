import { plainText } from './plain-text';

describe('plainText', () => {
  it.each([
    ["Hi, I'm **Ada** — the demo agent", "Hi, I'm Ada — the demo agent"],
    ['# Title\n\nSome `code` and _words_', 'Title Some code and words'],
    ['> quoted\n- one\n- two\n1. three', 'quoted one two three'],
    ['See [the docs](https://example.test) and ![a cat](https://example.test/cat.png)', 'See the docs and a cat'],
    ['snake_case_name and 2 * 3 * 4', 'snake_case_name and 2 * 3 * 4'],
    ['  lots   of\n\n  space  ', 'lots of space'],
    ['| Day | Morning |\n| --- | :-: |\n| Monday | Alfama |', 'Day Morning Monday Alfama'],
    ['a | b in prose stays', 'a | b in prose stays'],
  ])('%j → %j', (input, expected) => {
    expect(plainText(input)).toBe(expected);
  });
});
