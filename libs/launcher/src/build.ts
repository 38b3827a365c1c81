import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EnvMap } from './env';

/**
 * `next build` inlines a few values into the bundle (next.config.mjs `env` and NEXT_PUBLIC_*):
 * a build made with other values is stale even when no source file changed. The launcher and
 * the browser test harness record them in `.next/confab-build.json` after each build.
 */
const CONFIG_ENV_KEYS = ['appType', 'productId'];

export function inlinedBuildEnv(env: EnvMap): EnvMap {
  const out: EnvMap = {};
  for (const key of Object.keys(env).sort()) {
    if (CONFIG_ENV_KEYS.includes(key) || key.startsWith('NEXT_PUBLIC_')) out[key] = env[key] ?? '';
  }
  return out;
}

export interface BuildFacts {
  /** mtime (ms) of `.next/BUILD_ID`, null when there is no production build. */
  buildIdMtime: number | null;
  /** Newest mtime (ms) among the app's sources and config. */
  newestSourceMtime: number;
  newestSourcePath: string | null;
  /** Inlined env recorded at the last build, null when unknown. */
  stampEnv: EnvMap | null;
  wantedEnv: EnvMap;
}

export type BuildDecision = { build: false } | { build: true; reason: string };

export function decideBuild(facts: BuildFacts): BuildDecision {
  if (facts.buildIdMtime === null) return { build: true, reason: 'no production build yet' };
  if (facts.newestSourceMtime > facts.buildIdMtime) {
    return { build: true, reason: `sources changed since the last build (${facts.newestSourcePath ?? 'a source file'})` };
  }
  if (facts.stampEnv === null) return { build: true, reason: 'the last build does not say which settings it was made with' };
  const keys = new Set([...Object.keys(facts.stampEnv), ...Object.keys(facts.wantedEnv)]);
  for (const key of [...keys].sort()) {
    if ((facts.stampEnv[key] ?? '') !== (facts.wantedEnv[key] ?? '')) {
      return { build: true, reason: `${key} differs from the last build` };
    }
  }
  return { build: false };
}

/**
 * What the production bundle is built from. Tests, docs, the data folder and the Node-only libs
 * (never imported by app/) are not: editing the chat service must not cost a web rebuild.
 */
const SOURCE_DIRS = ['app', 'libs', 'public'];
// proxy.ts (Next.js's middleware) is built into the app too: an edit of it alone went unnoticed.
const SOURCE_FILES = ['proxy.ts', 'middleware.ts', 'next.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'postcss.config.mjs'];
const NODE_ONLY_LIBS = ['chat-service', 'voice-agent', 'launcher'];
const SKIP_DIRS = new Set(['node_modules', '.next', '.data', 'test-results', 'drizzle']);
const SKIP_FILE = /\.(test|spec)\.tsx?$|\.md$/;

export function newestSourceMtime(root: string): { mtime: number; file: string | null } {
  let best = { mtime: 0, file: null as string | null };
  const consider = (file: string): void => {
    const m = statSync(file).mtimeMs;
    if (m > best.mtime) best = { mtime: m, file: path.relative(root, file) };
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const nodeOnly = path.basename(dir) === 'libs' && NODE_ONLY_LIBS.includes(entry.name);
        if (!SKIP_DIRS.has(entry.name) && !nodeOnly) walk(full);
      } else if (entry.isFile() && !SKIP_FILE.test(entry.name)) {
        consider(full);
      }
    }
  };
  for (const dir of SOURCE_DIRS) {
    const full = path.join(root, dir);
    if (existsSync(full)) walk(full);
  }
  for (const file of SOURCE_FILES) {
    const full = path.join(root, file);
    if (existsSync(full)) consider(full);
  }
  return best;
}

const Stamp = z.object({ env: z.record(z.string(), z.string()) });
const STAMP = 'confab-build.json';

export function readBuildFacts(root: string, env: EnvMap, distDir = '.next'): BuildFacts {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  const stampFile = path.join(root, distDir, STAMP);
  let stampEnv: EnvMap | null = null;
  if (existsSync(stampFile)) {
    const parsed = Stamp.safeParse(JSON.parse(readFileSync(stampFile, 'utf8')));
    if (parsed.success) stampEnv = parsed.data.env;
  }
  const newest = newestSourceMtime(root);
  return {
    buildIdMtime: existsSync(buildId) ? statSync(buildId).mtimeMs : null,
    newestSourceMtime: newest.mtime,
    newestSourcePath: newest.file,
    stampEnv,
    wantedEnv: inlinedBuildEnv(env),
  };
}

export function writeBuildStamp(root: string, env: EnvMap, distDir = '.next'): void {
  writeFileSync(path.join(root, distDir, STAMP), `${JSON.stringify({ env: inlinedBuildEnv(env) }, null, 2)}\n`);
}
