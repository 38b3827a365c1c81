import { previewLine, threadTitleFrom } from './preview';

describe('previewLine', () => {
  it.each([
    ["Hi, I'm **Ada** — the demo agent", "Hi, I'm Ada — the demo agent"],
    ['# Title\n\nSome `code` and _words_', 'Title Some code and words'],
    ['> quoted\n- one\n- two\n1. three', 'quoted one two three'],
    ['See [the docs](https://example.test) and ![a cat](https://example.test/cat.png)', 'See the docs and a cat'],
    ['snake_case_name and 2 * 3 * 4', 'snake_case_name and 2 * 3 * 4'],
    ['  lots   of\n\n  space  ', 'lots of space'],
  ])('%j → %j', (input, expected) => {
    expect(previewLine(input)).toBe(expected);
  });
});

describe('threadTitleFrom', () => {
  it.each([
    ['How do I **open** my essay?', 'How do I open my essay?'],
    ['\n\n# Trip ideas\nmore lines', 'Trip ideas'],
    ['A very long first line that goes on and on about many different things at once', 'A very long first line that goes on and on about many…'],
    ['Supercalifragilisticexpialidocious'.repeat(3), `${'Supercalifragilisticexpialidocious'.repeat(3).slice(0, 59)}…`],
    ['   \n  ', null],
    ['```ts\nconst answer = 42;\n```', 'const answer = 42;'],
  ])('%j → %j', (content, title) => {
    expect(threadTitleFrom(content)).toBe(title);
  });
});
