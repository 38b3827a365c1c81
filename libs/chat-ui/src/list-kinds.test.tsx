import { messageHtml as html } from './test-html';

describe('a bullet list and a numbered list one under the other', () => {
  it('renders two lists side by side, not the second nested in the first one’s last item', () => {
    expect(html('- milk\n- eggs\n1. whisk\n2. fry')).toBe('<ul><li>milk</li><li>eggs</li></ul><ol start="1"><li>whisk</li><li>fry</li></ol>');
    expect(html('1. whisk\n2. fry\n- serve hot')).toBe('<ol start="1"><li>whisk</li><li>fry</li></ol><ul><li>serve hot</li></ul>');
  });

  it('still nests an indented list under its item, and keeps a list of one kind one list', () => {
    expect(html('1. whisk\n   - gently\n2. fry')).toBe('<ol start="1"><li>whisk\n<ul><li>gently</li></ul></li><li>fry</li></ol>');
    expect(html('- milk\n- eggs')).toBe('<ul><li>milk</li><li>eggs</li></ul>');
  });

  it('leaves fenced code alone', () => {
    expect(html('```md\n- a\n1. b\n```')).toContain('- a\n1. b');
  });
});
