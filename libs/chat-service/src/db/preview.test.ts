import { threadTitleFrom } from './preview';

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
