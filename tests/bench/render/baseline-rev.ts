import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/child';

/**
 * `BENCH_BASELINE_REV=<git rev>`: the render benchmark also measures Confab's UI as it was at that
 * revision, in the same run, interleaved with today's (a git worktree of the revision, bundled
 * the same way). Run-to-run noise on this machine moves a p99 by ±1 ms, more than most changes:
 * only a same-run comparison says whether a change helped.
 */
export interface BaselineCheckout {
  rev: string;
  root: string;
  remove(): void;
}

export function checkOutBaseline(rev: string): BaselineCheckout {
  const root = mkdtempSync(path.join(tmpdir(), 'confab-baseline-'));
  rmSync(root, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', root, rev], { cwd: ROOT, stdio: 'ignore' });
  // The baseline's own sources with today's installed packages (esbuild resolves from its root).
  if (!existsSync(path.join(root, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  const short = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim();
  return {
    rev: short,
    root,
    remove: () => {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: ROOT, stdio: 'ignore' });
    },
  };
}
