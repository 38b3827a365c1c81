import { messageHtml as html } from './test-html';
import { keepIntrawordUnderscores } from './intraword-underscores';

describe('underscores inside words', () => {
  it.each([
    ['use my_var_name here', '<p>use my_var_name here</p>'],
    ['open file_name_v2.txt', '<p>open file_name_v2.txt</p>'],
    ['Ünï_cödé_wörd', '<p>Ünï_cödé_wörd</p>'],
    ['a _real_ emphasis and __strong__', '<p>a <em>real</em> emphasis and <strong>strong</strong></p>'],
  ])('%s', (content, expected) => {
    expect(html(content)).toBe(expected);
  });

  it('leaves code as written: spans, fenced blocks (also in lists) and indented blocks', () => {
    expect(html('call `my_fn()` now')).toBe('<p>call <code>my_fn()</code> now</p>');
    expect(html('```py\ndef my_fn(a_b):\n    pass\n```')).toContain('def my_fn(a_b):');
    expect(html('1. step\n   ```\n   run_this_now\n   ```')).toContain('run_this_now');
    expect(html('1. step\n   ```\n   run_this_now\n   ```')).not.toContain('\\');
    expect(keepIntrawordUnderscores('    indented_code_line')).toBe('    indented_code_line');
    expect(keepIntrawordUnderscores('> quoted:\n> ```\n> run_this_now\n> ```')).not.toContain('\\');
  });

  it('leaves addresses as written, so links still go where they say', () => {
    expect(html('see https://example.com/a_b_c for more')).toContain('href="https://example.com/a_b_c"');
    expect(html('[the docs](https://example.com/my_page)')).toContain('href="https://example.com/my_page"');
    expect(html('mail first_last@example.com')).not.toContain('\\');
  });

  it('shows an unclosed code span while a reply streams without a backslash', () => {
    expect(html('type `my_var')).toBe('<p>type `my_var</p>');
  });
});
