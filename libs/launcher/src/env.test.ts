import { mergeEnv, parseEnvText, missingVoiceVariables, voiceConfigured } from './env';

const fixed = (bytes: number): string => `generated-${bytes}-bytes-secret-value-xxxxxxxxxxxx`;

describe('mergeEnv', () => {
  it('fills defaults that make `npm start` work with nothing configured', () => {
    const { env, settings, generated } = mergeEnv({ PATH: '/bin' }, {}, fixed);
    expect(settings.PORT).toBe(3000);
    expect(settings.CHAT_SERVICE_PORT).toBe(4000);
    expect(env.CHAT_SERVICE_URL).toBe('http://127.0.0.1:4000');
    expect(env.chatApiUrl).toBe('ws://localhost:4000/ws/v1/');
    expect(env.ALLOWED_ORIGINS).toBe('http://localhost:3000,http://127.0.0.1:3000');
    expect(env.PATH).toBe('/bin');
    expect(generated.sort()).toEqual(['CHAT_SERVICE_INTERNAL_TOKEN', 'TICKET_SECRET']);
  });

  it('generates each shared secret once, so every child gets the same value', () => {
    let n = 0;
    const { env } = mergeEnv({}, {}, () => `secret-number-${++n}-padding-padding-padding`);
    expect(env.TICKET_SECRET).toBe('secret-number-1-padding-padding-padding');
    expect(env.CHAT_SERVICE_INTERNAL_TOKEN).toBe('secret-number-2-padding-padding-padding');
    expect(n).toBe(2);
  });

  it('keeps secrets that are set, from the environment or from .env.local', () => {
    const { env, generated } = mergeEnv({ TICKET_SECRET: 'from-env' }, { CHAT_SERVICE_INTERNAL_TOKEN: 'from-file' }, fixed);
    expect(env.TICKET_SECRET).toBe('from-env');
    expect(env.CHAT_SERVICE_INTERNAL_TOKEN).toBe('from-file');
    expect(generated).toEqual([]);
  });

  it('lets the real environment win over .env.local, but not with an empty value', () => {
    const { env, settings } = mergeEnv({ PORT: '3100', OPENAI_MODEL: '' }, { PORT: '3200', OPENAI_MODEL: 'llama3', CHAT_SERVICE_PORT: '4100' }, fixed);
    expect(settings.PORT).toBe(3100);
    expect(env.OPENAI_MODEL).toBe('llama3');
    expect(settings.CHAT_SERVICE_PORT).toBe(4100);
    expect(env.CHAT_SERVICE_URL).toBe('http://127.0.0.1:4100');
    expect(env.chatApiUrl).toBe('ws://localhost:4100/ws/v1/');
    expect(env.ALLOWED_ORIGINS).toBe('http://localhost:3100,http://127.0.0.1:3100');
  });

  it('does not override URLs and origins that were set explicitly', () => {
    const { env } = mergeEnv({ chatApiUrl: 'wss://chat.example.test/ws/v1/', ALLOWED_ORIGINS: 'https://confab.example.test' }, {}, fixed);
    expect(env.chatApiUrl).toBe('wss://chat.example.test/ws/v1/');
    expect(env.ALLOWED_ORIGINS).toBe('https://confab.example.test');
  });

  it('rejects a port that is not a number, in words', () => {
    expect(() => mergeEnv({ PORT: 'three thousand' }, {}, fixed)).toThrow(/Invalid environment: PORT/);
    expect(() => mergeEnv({}, { CHAT_SERVICE_PORT: '70000' }, fixed)).toThrow(/CHAT_SERVICE_PORT: must be 1\.\.65535/);
  });
});

describe('parseEnvText', () => {
  it('reads a dotenv file with comments, quotes and blank lines', () => {
    const env = parseEnvText('# comment\nPORT=3100\n\nOPENAI_API_KEY="sk-test value"\nEMPTY=\n');
    expect(env).toEqual({ PORT: '3100', OPENAI_API_KEY: 'sk-test value', EMPTY: '' });
  });
});

describe('voice configuration', () => {
  it('needs all three LiveKit variables', () => {
    const partial = mergeEnv({ LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'devkey' }, {}, fixed).settings;
    expect(voiceConfigured(partial)).toBe(false);
    expect(missingVoiceVariables(partial)).toEqual(['LIVEKIT_API_SECRET']);
    const full = mergeEnv({ LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' }, {}, fixed).settings;
    expect(voiceConfigured(full)).toBe(true);
  });
});
