import { newRoomName, threadIdFromRoomName } from './token';
import { isVoiceConfigured, loadVoiceServerConfig, toWebSocketUrl } from './env';

const THREAD = '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11';

describe('room names', () => {
  it('are fresh for every session and lead back to their thread', () => {
    const a = newRoomName(THREAD);
    const b = newRoomName(THREAD);
    expect(a).not.toBe(b);
    expect(a.startsWith(`thread-${THREAD}-`)).toBe(true);
    expect(threadIdFromRoomName(a)).toBe(THREAD);
  });

  it('do not match rooms that are not ours', () => {
    expect(threadIdFromRoomName(`thread-${THREAD}`)).toBeNull();
    expect(threadIdFromRoomName('thread-not-a-uuid-abcdefghij')).toBeNull();
    expect(threadIdFromRoomName(`x-thread-${THREAD}-abcdefghij`)).toBeNull();
  });
});

describe('voice server env', () => {
  const full = { LIVEKIT_URL: 'https://lk.example', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' };

  it('is configured only with URL, key and secret, blank meaning unset', () => {
    expect(isVoiceConfigured(full)).toBe(true);
    expect(isVoiceConfigured({ ...full, LIVEKIT_API_SECRET: '' })).toBe(false);
    expect(isVoiceConfigured({})).toBe(false);
    expect(isVoiceConfigured({ ...full, LIVEKIT_URL: 'not a url' })).toBe(false);
  });

  it('hands browsers a WebSocket URL and defaults the agent name', () => {
    const config = loadVoiceServerConfig(full);
    expect(config.livekit).toMatchObject({ url: 'https://lk.example', clientUrl: 'wss://lk.example', agentName: 'confab-voice-agent' });
    expect(toWebSocketUrl('http://127.0.0.1:7880')).toBe('ws://127.0.0.1:7880');
    expect(toWebSocketUrl('wss://x')).toBe('wss://x');
    expect(config.chatServiceUrl).toBe('http://127.0.0.1:4000');
  });
});
