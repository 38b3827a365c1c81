import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { setUpBrowser } from './support/browser';

/**
 * A reply drawn as it streamed (streaming-reply.ts) is kept as it was drawn when it ends, where
 * that is how `Markdown` draws it (`drawsLikeMarkdown`): every block must then stand exactly
 * where `Markdown` puts it. jsdom compares the two drawings' elements; this compares where they
 * stand, the same reply drawn both ways side by side in real Chromium with the app's styles.
 */
const browser = setUpBrowser({ timeoutMs: 90_000 });

const ROOT = path.resolve(__dirname, '../..');

/** The page (pages/reply-drawings.tsx) as one HTML document: its script and styles inline. */
async function replyDrawingsPage(): Promise<string> {
  const result = await build({
    entryPoints: { page: path.join(ROOT, 'tests/browser/pages/reply-drawings.tsx') },
    absWorkingDir: ROOT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    write: false,
    outdir: '/out',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: 'var process = { env: { NODE_ENV: "production" } };' },
    logLevel: 'silent',
  });
  const text = (ext: string): string => result.outputFiles.filter((file) => file.path.endsWith(ext)).map((file) => file.text).join('\n');
  const script = text('.js').replaceAll('</script', '<\\/script');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${text('.css')}</style></head><body><div id="root"></div><script type="module">${script}</script></body></html>`;
}

/** Each block of a reply (tag and box relative to its text), in the list drawn by `Markdown` and in the one that streamed. */
function blocksOf(page: Page): Promise<{ markdown: string[]; streamed: string[]; kept: number }> {
  return page.evaluate(() => {
    const blocks = (id: string): string[] => {
      const text = document.querySelector(`#${id} [class*="markdown"]`);
      if (!text) return [];
      const origin = text.getBoundingClientRect();
      return [...text.querySelectorAll('p, blockquote, ul, ol, li, pre, hr, h3, h4, h5, h6, code')].map((block) => {
        const box = block.getBoundingClientRect();
        return `${block.tagName} ${Math.round(box.left - origin.left)},${Math.round(box.top - origin.top)} ${Math.round(box.width)}x${Math.round(box.height)}`;
      });
    };
    return { markdown: blocks('markdown'), streamed: blocks('streamed'), kept: document.querySelectorAll('#streamed [data-drawn-while-streaming]').length };
  });
}

const REPLIES: [string, string][] = [
  ['paragraphs with marks', 'A long answer with **bold** words.\n\nA second paragraph with `code` in it.\n\nAnd a third.'],
  ['a heading after a paragraph, and a paragraph after it', 'Some text first.\n\n### A part\n\nText under it.'],
  ['a reply that ends with a heading being written', 'Some text first.\n\nMore text here.\n\n## The end'],
  ['lists after paragraphs, and a paragraph after a list', 'Steps:\n\n1. one\n2. two\n\nAnd points:\n\n- a point\n- another point\n\nDone.'],
  ['a code block between paragraphs', 'Run:\n\n```sh\nnpm test\nnpm run build\n```\n\nThen check the output.'],
  ['eleven blocks, a heading among them', 'One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n\nSeven.\n\nEight.\n\n### Nine, a heading\n\nTen.\n\nEleven.'],
  ['a list numbered past 100', 'Items:\n\n998. nine nine eight\n999. nine nine nine\n1000. one thousand\n\nThat is all.'],
];

it(
  'a reply kept as it was drawn while it streamed has every block where Markdown puts it',
  browser.test(async ({ newPerson, screenshot }) => {
    const { page, dialogs } = await newPerson({ viewport: { width: 1280, height: 900 } });
    await page.setContent(await replyDrawingsPage());
    for (const [name, text] of REPLIES) {
      await page.evaluate((reply) => (window as unknown as { drawBoth(text: string): Promise<void> }).drawBoth(reply), text);
      const { markdown, streamed, kept } = await blocksOf(page);
      expect({ name, kept: kept > 0 }).toEqual({ name, kept: true }); // drawn as it streamed, and kept
      expect(markdown.length).toBeGreaterThanOrEqual(3);
      expect({ name, blocks: streamed }).toEqual({ name, blocks: markdown });
    }
    await screenshot(page, 'streamed-reply-layout');
    expect(dialogs).toEqual([]);
  }),
);
