import { mergeEnv } from './env';
import { planLaunch } from './plan';

const opts = { root: '/app', dev: false, node: '/usr/bin/node' };
const merged = (env: Record<string, string>) => mergeEnv(env, {}, () => 'x'.repeat(40));

describe('planLaunch', () => {
  it('starts the chat service, then the web app, and not the voice agent without LiveKit', () => {
    const plan = planLaunch(merged({}), opts);
    expect(plan.children.map((c) => c.name)).toEqual(['chat', 'web']);
    expect(plan.children[0]?.args).toEqual(['--import', 'tsx', '/app/libs/chat-service/src/main.ts']);
    expect(plan.children[1]?.args).toEqual(['--import', 'tsx', '/app/libs/launcher/src/web-server.ts', '--port', '3000']);
    expect(plan.voiceNotice).toMatch(/^Voice is not configured \(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET not set\)/);
    expect(plan.voiceNotice).toMatch(/\.env\.local/);
  });

  it('runs the web server in development mode with --dev, on the configured ports', () => {
    const plan = planLaunch(merged({ PORT: '3300', CHAT_SERVICE_PORT: '4300' }), { ...opts, dev: true });
    expect(plan.children[1]?.args.slice(2)).toEqual(['/app/libs/launcher/src/web-server.ts', '--dev', '--port', '3300']);
    expect(plan.children.map((c) => c.port)).toEqual([4300, 3300]);
  });

  it('adds the voice agent last when LiveKit is fully configured', () => {
    const plan = planLaunch(merged({ LIVEKIT_URL: 'wss://x.livekit.cloud', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }), opts);
    expect(plan.children.map((c) => c.name)).toEqual(['chat', 'web', 'voice']);
    expect(plan.children[2]?.args).toContain('/app/libs/voice-agent/src/main.ts');
    expect(plan.voiceNotice).toBeNull();
  });

  it('gives the chat service the longest time to finish on shutdown', () => {
    const plan = planLaunch(merged({}), opts);
    const [chat, web] = plan.children;
    expect(chat!.stopTimeoutMs).toBeGreaterThan(web!.stopTimeoutMs);
  });
});

describe('hints', () => {
  it('tells how to run without voice when the voice agent dies', () => {
    const plan = planLaunch(merged({ LIVEKIT_URL: 'ws://127.0.0.1:7999', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }), opts);
    expect(plan.children[2]?.hint).toMatch(/ws:\/\/127\.0\.0\.1:7999.*unset LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
  });
});
