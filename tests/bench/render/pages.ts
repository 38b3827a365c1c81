import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../lib/child';

/**
 * Serves the pages of the streaming-render benchmark from one loopback origin:
 * `/naive` (naive-page.tsx), `/confab` (confab-page.tsx, Confab's real UI), `/lean`
 * (lean-page.ts, the thread in hand-written DOM) and `/floor` (floor-page.ts, one line replaced per token), each a production esbuild bundle, plus `/api/ws-ticket` answered like the Next.js route (a fresh ticket per call).
 */

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

interface Asset {
  type: string;
  body: Uint8Array;
}

async function bundle(entry: string, name: string, root = ROOT): Promise<Map<string, Asset>> {
  const result = await build({
    entryPoints: { [name]: path.join(root, 'tests/bench/render', entry) },
    absWorkingDir: root,
    bundle: true,
    minify: process.env.BENCH_MINIFY !== '0',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    write: false,
    outdir: '/bench',
    tsconfig: path.join(root, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.appType': '"social"', 'process.env.productId': '"confab"' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    // Next.js inlines next.config.mjs `env`; outside Next any other `process.env.X` reads undefined.
    banner: { js: 'var process = { env: { NODE_ENV: "production", appType: "social", productId: "confab" } };' },
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const type = file.path.endsWith('.css') ? 'text/css' : 'text/javascript';
    assets.set(`/${path.basename(file.path)}`, { type, body: file.contents });
  }
  return assets;
}

function html(name: string, css: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>${css ? `<link rel="stylesheet" href="/${name}.css">` : ''}</head><body><div id="root"></div><script type="module" src="/${name}.js"></script></body></html>`;
}

const PAGES = new Set(['naive', 'confab', 'floor', 'lean', 'baseline']);

/** `baselineRoot`: a checkout of another revision, whose Confab page is served as `/baseline`. */
export async function startPageServer(ticket: () => Promise<unknown>, baselineRoot?: string): Promise<PageServer> {
  const assets = new Map([
    ...(await bundle('naive-page.tsx', 'naive')),
    ...(await bundle('confab-page.tsx', 'confab')),
    ...(await bundle('floor-page.ts', 'floor')),
    ...(await bundle('lean-page.ts', 'lean')),
    ...(baselineRoot ? await bundle('confab-page.tsx', 'baseline', baselineRoot) : []),
  ]);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = url.pathname.slice(1);
    if (PAGES.has(page) && assets.has(`/${page}.js`)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html(page, assets.has(`/${page}.css`)));
      return;
    }
    if (url.pathname === '/api/ws-ticket') {
      ticket().then(
        (body) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body)),
        (error: unknown) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: String(error) } })),
      );
      return;
    }
    const asset = assets.get(url.pathname);
    if (asset) res.writeHead(200, { 'content-type': asset.type }).end(asset.body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
