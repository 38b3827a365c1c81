import { decideBuild, inlinedBuildEnv, type BuildFacts } from './build';

const base: BuildFacts = {
  buildIdMtime: 2_000,
  newestSourceMtime: 1_000,
  newestSourcePath: 'app/page.tsx',
  stampEnv: { chatApiUrl: 'ws://localhost:4000/ws/v1/' },
  wantedEnv: { chatApiUrl: 'ws://localhost:4000/ws/v1/' },
};

describe('decideBuild', () => {
  it('builds when there is no build', () => {
    expect(decideBuild({ ...base, buildIdMtime: null })).toEqual({ build: true, reason: 'no production build yet' });
  });

  it('builds when a source is newer than the build, naming it', () => {
    expect(decideBuild({ ...base, newestSourceMtime: 3_000 })).toEqual({ build: true, reason: 'sources changed since the last build (app/page.tsx)' });
  });

  it('builds when a value inlined at build time changed', () => {
    const decision = decideBuild({ ...base, wantedEnv: { chatApiUrl: 'ws://127.0.0.1:4310/ws/v1/' } });
    expect(decision).toEqual({ build: true, reason: 'chatApiUrl differs from the last build' });
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
      chatApiUrl: 'a',
    });
  });
});
