import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from './Markdown';

/**
 * A finished message's HTML, for tests of how markdown is read: without the `dir="auto"` every
 * text block carries (Markdown.test checks that on its own), so expectations read as the markup.
 */
export function messageHtml(content: string): string {
  return renderToStaticMarkup(<Markdown content={content} />).replaceAll(' dir="auto"', '');
}
