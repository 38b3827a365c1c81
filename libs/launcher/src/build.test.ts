import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decideBuild, inlinedBuildEnv, newestSourceMtime, type BuildFacts } from './build';

const base: BuildFacts = {
  buildIdMtime: 2_000,
  newestSourceMtime: 1_000,
  newestSourcePath: 'app/page.tsx',
  stampEnv: { appType: 'social' },
  wantedEnv: { appType: 'social' },
};

describe('decideBuild', () => {
  it('builds when there is no build', () => {
    expect(decideBuild({ ...base, buildIdMtime: null })).toEqual({ build: true, reason: 'no production build yet' });
  });

  it('builds when a source is newer than the build, naming it', () => {
    expect(decideBuild({ ...base, newestSourceMtime: 3_000 })).toEqual({ build: true, reason: 'sources changed since the last build (app/page.tsx)' });
  });

  it('builds when a value inlined at build time changed', () => {
    const decision = decideBuild({ ...base, wantedEnv: { appType: 'work' } });
    expect(decision).toEqual({ build: true, reason: 'appType differs from the last build' });
    expect(decideBuild({ ...base, wantedEnv: { ...base.wantedEnv, NEXT_PUBLIC_LIVEKIT_URL: 'wss://x' } }).build).toBe(true);
  });

  it('reuses a build that is up to date', () => {
    expect(decideBuild(base)).toEqual({ build: false });
  });
});

describe('inlinedBuildEnv', () => {
  it('keeps only what next build inlines', () => {
    expect(inlinedBuildEnv({ chatApiUrl: 'a', appType: 'b', NEXT_PUBLIC_LIVEKIT_URL: 'c', TICKET_SECRET: 's', PATH: '/bin' })).toEqual({
      NEXT_PUBLIC_LIVEKIT_URL: 'c',
      appType: 'b',
    });
  });
});

describe('newestSourceMtime', () => {
  // A throwaway folder shaped like the repository.
  let root = '';
  const file = (rel: string, seconds: number): void => {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, 'x');
    utimesSync(full, seconds, seconds);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'confab-build-'));
    file('app/page.tsx', 1_000);
    file('libs/chat-ui/src/Composer.tsx', 2_000);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds the newest file the web app is built from', () => {
    expect(newestSourceMtime(root)).toEqual({ mtime: 2_000_000, file: 'libs/chat-ui/src/Composer.tsx' });
  });

  it('ignores tests, docs and the Node-only libs (chat service, voice agent, launcher)', () => {
    file('libs/chat-ui/src/Composer.test.tsx', 9_000);
    file('libs/chat-ui/README.md', 9_000);
    file('libs/chat-service/src/server.ts', 9_000);
    file('libs/voice-agent/src/main.ts', 9_000);
    file('tests/browser/x.test.ts', 9_000);
    expect(newestSourceMtime(root).file).toBe('libs/chat-ui/src/Composer.tsx');
    file('next.config.mjs', 9_500);
    expect(newestSourceMtime(root).file).toBe('next.config.mjs');
  });

  it("counts the proxy (Next.js's middleware) at the root: it is built into the app", () => {
    file('proxy.ts', 9_700);
    expect(newestSourceMtime(root).file).toBe('proxy.ts');
  });
});
