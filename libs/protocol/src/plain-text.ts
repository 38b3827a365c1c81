/**
 * Markdown as one line of plain words (the threads list's preview, a thread's title, what a
 * screen reader is told of a message): markdown's marks dropped
 * (emphasis, code, headings, quotes, list bullets), links and images as their text, every run of
 * white space one space. Good enough for a glance, not a markdown parser.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+/g, '')
    .replace(/(\*\*|~~|\*)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    // Underscores mark emphasis only at word edges: snake_case stays as written.
    .replace(/(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}
