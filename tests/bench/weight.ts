import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './lib/child';
import { ConfabApi } from './lib/confab-api';
import { buildStaleness, nextBuild, startNext } from './lib/next-app';
import { log, notRun, type BenchResult, type Table } from './lib/report';
import { chatServiceMissing, startConfab } from './lib/servers';
import { fmt, KiB, ratio } from './lib/stats';

/**
 * Page weight: first-load JavaScript (gzip) of the post and thread pages of the production build,
 * measured the way a modern browser meets it: fetch each page's HTML from `next start`, take every
 * `<script src>` it references except `<script nomodule>` (polyfills that browsers with ES module
 * support never download), gzip each file and add them up. Chunks loaded later on demand are not
 * in the HTML and not counted. Baseline: the app's 404 page (framework + root layout only), from
 * the same build.
 */

const TITLE = '4. Page weight (first-load JavaScript of a modern browser, gzip; nomodule polyfills not counted)';
const POST_TARGET_KIB = 180;

interface Weight {
  page: string;
  status: number;
  scripts: number;
  /** `<script nomodule src>` in the HTML, not counted. */
  noModule: number;
  raw: number;
  gzip: number;
}

async function weigh(origin: string, page: string, pathname: string, cookie?: string): Promise<Weight> {
  const res = await fetch(`${origin}${pathname}`, { headers: cookie ? { cookie } : {} });
  const html = await res.text();
  if (res.status >= 500) throw new Error(`${pathname}: HTTP ${res.status}`);
  const tags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((tag) => /\ssrc="[^"]+"/i.test(tag));
  const isNoModule = (tag: string): boolean => /\snomodule(?=[\s=>/])/i.test(tag);
  const srcs = new Set(tags.filter((tag) => !isNoModule(tag)).map((tag) => /\ssrc="([^"]+)"/i.exec(tag)![1]!.replace(/&amp;/g, '&')));
  const noModule = tags.filter(isNoModule).length;
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const body = Buffer.from(await (await fetch(new URL(src, origin))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { page, status: res.status, scripts: srcs.size, noModule, raw, gzip };
}

/**
 * The browser's zod chunk(s): loaded on demand with the first ticket or API request, so not
 * first-load, but every conversation page fetches them right after it starts. Reported next to
 * the first-load figures so the total a page downloads is in the table too.
 */
function validationChunks(): { files: number; gzip: number } {
  return chunksHolding('$ZodType');
}

/** The socket binding's chunk(s) (react-use-websocket, `libs/chat-client/src/load-socket.ts`): loaded on demand while the page hydrates. */
function socketChunks(): { files: number; gzip: number } {
  return chunksHolding('sharedWebSockets');
}

function chunksHolding(marker: string): { files: number; gzip: number } {
  const dir = path.join(ROOT, '.next/static/chunks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && readFileSync(path.join(dir, f), 'utf8').includes(marker));
  return { files: files.length, gzip: files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0) };
}

export async function weightBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const missing = chatServiceMissing();
  if (missing) return notRun('weight', TITLE, missing);
  const started = Date.now();
  // BENCH_NO_BUILD=1 measures whatever build is there (e.g. while others keep editing sources).
  const stale = process.env.BENCH_NO_BUILD === '1' && buildStaleness()?.startsWith('sources') ? null : buildStaleness();
  const notes: string[] = [];
  if (stale) {
    if (scale === 'quick') return notRun('weight', TITLE, `${stale}; run \`npm run build\` first (the quick run does not build)`);
    log(`weight: ${stale}: running next build`);
    const failed = nextBuild();
    if (failed) return notRun('weight', TITLE, failed);
    notes.push(`Built for this run (${stale}).`);
  }
  const server = await startConfab();
  try {
    const api = new ConfabApi(server.service.httpUrl);
    const post = (await api.posts())[0];
    if (!post) throw new Error('the chat service has no seeded post');
    const owner = await api.signUp('weight-owner');
    const thread = await api.createThread(owner, post.slug, 'Weight bench thread');
    const next = await startNext({ CHAT_SERVICE_URL: server.service.httpUrl, chatApiUrl: server.service.wsBase, ALLOWED_ORIGINS: 'http://localhost:3000' });
    try {
      const weights = [
        await weigh(next.origin, '404 page (baseline: framework + layout)', '/bench-no-such-page'),
        await weigh(next.origin, `post page /posts/${post.slug}`, `/posts/${post.slug}`),
        await weigh(next.origin, 'thread page /threads/[id] (signed in)', `/threads/${thread.id}`, `confab_session=${owner.token}`),
      ];
      const [base, postPage, threadPage] = weights;
      const zod = validationChunks();
      const socket = socketChunks();
      const table: Table = {
        header: ['page', 'HTTP', 'scripts', 'nomodule (not counted)', 'raw kB', 'gzip kB', 'gzip / 404 page'],
        rows: weights.map((w) => [w.page, String(w.status), String(w.scripts), String(w.noModule), fmt(w.raw / KiB, 1), fmt(w.gzip / KiB, 1), ratio(w.gzip, base!.gzip)]),
      };
      table.rows.push([
        `on demand, not first-load: the validation chunk (zod), ${zod.files} file(s)`,
        '',
        '',
        '',
        '',
        fmt(zod.gzip / KiB, 1),
        `post page + it: ${fmt((postPage!.gzip + zod.gzip) / KiB, 1)} kB`,
      ]);
      table.rows.push([
        `on demand, not first-load: the socket chunk (react-use-websocket), ${socket.files} file(s)`,
        '',
        '',
        '',
        '',
        fmt(socket.gzip / KiB, 1),
        `post page + zod + it: ${fmt((postPage!.gzip + zod.gzip + socket.gzip) / KiB, 1)} kB`,
      ]);
      return {
        id: 'weight',
        title: TITLE,
        status: 'ok',
        tables: [table],
        targets: [{ label: `post page < ${POST_TARGET_KIB} kB gzip`, met: postPage!.gzip / KiB < POST_TARGET_KIB, detail: `${fmt(postPage!.gzip / KiB, 1)} kB (thread page ${fmt(threadPage!.gzip / KiB, 1)} kB)` }],
        notes: [...notes, 'What a modern browser downloads on first load: every `<script src>` in the server-rendered HTML of `next start` except `<script nomodule>` (legacy polyfills, skipped by browsers with ES module support), gzip level 9 per file (kB = 1,024 bytes). Scripts loaded later on demand (e.g. LiveKit when voice starts) are not first-load and not counted.',
          "zod (the browser's validation of frames and answers) is loaded on demand, in parallel with the page's first ticket or API request (`libs/chat-client/src/load-wire.ts`); its chunk is shown on its own row and added to the post page's figure there.",
          "react-use-websocket (the conversation's socket) is loaded on demand too, its chunk starting while the page hydrates (`libs/chat-client/src/load-socket.ts`); shown on its own row, with the total a post page downloads.",
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await next.stop();
    }
  } finally {
    await server.stop();
  }
}
