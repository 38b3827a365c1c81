import { loadConfig } from './config';

const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', ...vars });

describe('chat service configuration', () => {
  it('refuses a model server address holding a user name or password (it would be quoted in errors readers see)', () => {
    expect(() => loadConfig(env({ OPENAI_BASE_URL: 'https://user:sk-secret@proxy.example/v1' }))).toThrow(/OPENAI_BASE_URL: must not hold a user name or password/);
    expect(() => loadConfig(env({ OPENAI_BASE_URL: 'https://proxy.example/v1' }))).not.toThrow();
    // Not a URL at all: the usual list of problems, not a bare TypeError.
    expect(() => loadConfig(env({ OPENAI_BASE_URL: 'http://[bad' }))).toThrow(/^Invalid chat service environment: OPENAI_BASE_URL/);
  });

  it('cuts replies off at 100,000 characters or 10 minutes unless told otherwise', () => {
    expect(loadConfig(env({})).replyLimits).toEqual({ maxChars: 100_000, maxMs: 600_000 });
    expect(loadConfig(env({ AGENT_REPLY_MAX_CHARS: '500', AGENT_REPLY_MAX_S: '1.5' })).replyLimits).toEqual({ maxChars: 500, maxMs: 1_500 });
  });

  it('lets each identity send 10 messages a minute unless told otherwise', () => {
    expect(loadConfig(env({})).messagesPerIdentity).toEqual({ points: 10, durationS: 60 });
    expect(loadConfig(env({ MESSAGES_PER_IDENTITY: '2', MESSAGES_PER_IDENTITY_WINDOW_S: '3' })).messagesPerIdentity).toEqual({ points: 2, durationS: 3 });
    expect(() => loadConfig(env({ MESSAGES_PER_IDENTITY: '0' }))).toThrow(/MESSAGES_PER_IDENTITY/);
  });
});
