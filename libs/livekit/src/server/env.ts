import { z } from 'zod';

/** Environment variables as read (process.env or a test's own object). */
export type EnvVars = Record<string, string | undefined>;

/** Empty strings in .env files mean "unset", not "configured as empty". */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

const VoiceServerEnv = z.object({
  /** LiveKit server (ws://, wss://, http:// or https://). Unset: voice is off ("not set up"). */
  LIVEKIT_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(/^(wss?|https?):\/\/[^\s]+$/, 'LIVEKIT_URL must be a ws(s):// or http(s):// URL').optional(),
  ),
  LIVEKIT_API_KEY: optionalText,
  LIVEKIT_API_SECRET: optionalText,
  /** Agent name used for explicit dispatch; must match the worker's. */
  LIVEKIT_AGENT_NAME: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).default('confab-voice-agent')),
  /** The chat service's REST base as seen from the Next.js server. */
  CHAT_SERVICE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('http://127.0.0.1:4000')),
  /** Bearer token for the chat service's internal API (webhook → voice session ended). */
  CHAT_SERVICE_INTERNAL_TOKEN: optionalText,
});

export interface LiveKitConfig {
  /** For the server SDK. */
  url: string;
  /** For browsers: the same server with a WebSocket scheme. */
  clientUrl: string;
  apiKey: string;
  apiSecret: string;
  agentName: string;
}

export interface VoiceServerConfig {
  /** Null when any of LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET is missing. */
  livekit: LiveKitConfig | null;
  chatServiceUrl: string;
  internalToken: string | null;
}

/** Reads the environment on every call: cheap, and tests can change process.env between requests. */
export function loadVoiceServerConfig(env: EnvVars = process.env): VoiceServerConfig {
  const parsed = VoiceServerEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid voice environment: ${problems}`);
  }
  const e = parsed.data;
  const livekit =
    e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
      ? {
          url: e.LIVEKIT_URL,
          clientUrl: toWebSocketUrl(e.LIVEKIT_URL),
          apiKey: e.LIVEKIT_API_KEY,
          apiSecret: e.LIVEKIT_API_SECRET,
          agentName: e.LIVEKIT_AGENT_NAME,
        }
      : null;
  return { livekit, chatServiceUrl: e.CHAT_SERVICE_URL.replace(/\/+$/, ''), internalToken: e.CHAT_SERVICE_INTERNAL_TOKEN ?? null };
}

export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//, 'ws$1://');
}

/**
 * Whether this server can start voice sessions. Safe to call from server components (no I/O,
 * never throws): the thread page uses it to say "Voice is not set up on this server" up front.
 */
export function isVoiceConfigured(env: EnvVars = process.env): boolean {
  try {
    return loadVoiceServerConfig(env).livekit !== null;
  } catch {
    return false;
  }
}
