/**
 * Markdown as one line of plain words (the threads list's preview, a thread's title, what a
 * screen reader is told of a message): markdown's marks dropped
 * (emphasis, code, headings, quotes, list bullets, table pipes and rules), links and images as
 * their text, every run of white space one space. Good enough for a glance, not a markdown parser.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/gm, '')
    // A table: its rule line (| --- | :-: |) goes, cells are words between pipes.
    .replace(/^(?=.*\|)[ \t|:-]*-[ \t|:-]*$/gm, '')
    .replace(/^\s*\|(.*)\|\s*$/gm, (_row, cells: string) => cells.split('|').join(' '))
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+/g, '')
    .replace(/(\*\*|~~|\*)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    // Underscores mark emphasis only at word edges: snake_case stays as written.
    .replace(/(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}
