import { z } from 'zod';

type EnvVars = Record<string, string | undefined>;

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
const optionalText = z.preprocess(blankIsUnset, z.string().min(1).optional());
const flag = z.preprocess(blankIsUnset, z.enum(['true', 'false', '1', '0']).optional()).transform((v) =>
  v === undefined ? undefined : v === 'true' || v === '1',
);

/**
 * The worker's environment. LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET are also read by
 * the agents framework itself; we check them here so a missing one fails with a clear message.
 */
const VoiceAgentEnv = z.object({
  LIVEKIT_URL: z.preprocess(blankIsUnset, z.string().regex(/^(wss?|https?):\/\//, 'LIVEKIT_URL must be a ws(s):// or http(s):// URL')),
  LIVEKIT_API_KEY: z.preprocess(blankIsUnset, z.string().min(1)),
  LIVEKIT_API_SECRET: z.preprocess(blankIsUnset, z.string().min(1)),
  LIVEKIT_AGENT_NAME: z.preprocess(blankIsUnset, z.string().min(1).default('confab-voice-agent')),
  CHAT_SERVICE_URL: z.preprocess(blankIsUnset, z.url().default('http://127.0.0.1:4000')),
  CHAT_SERVICE_INTERNAL_TOKEN: z.preprocess(blankIsUnset, z.string().min(16, 'CHAT_SERVICE_INTERNAL_TOKEN must be at least 16 characters')),
  /** OpenAI-compatible endpoint for the LLM (and for speech unless overridden below). */
  OPENAI_BASE_URL: z.preprocess(blankIsUnset, z.url().optional()),
  OPENAI_API_KEY: optionalText,
  /** Model for personas whose model is `default`. */
  OPENAI_MODEL: z.preprocess(blankIsUnset, z.string().min(1).default('gpt-4o-mini')),
  VOICE_STT: z.preprocess(blankIsUnset, z.enum(['openai', 'deepgram']).default('openai')),
  VOICE_STT_MODEL: optionalText,
  VOICE_STT_LANGUAGE: z.preprocess(blankIsUnset, z.string().min(2).default('en')),
  VOICE_STT_BASE_URL: z.preprocess(blankIsUnset, z.url().optional()),
  /** OpenAI STT over the realtime API (streaming, interim results). Default: on for api.openai.com only. */
  VOICE_STT_REALTIME: flag,
  DEEPGRAM_API_KEY: optionalText,
  VOICE_TTS: z.preprocess(blankIsUnset, z.enum(['openai']).default('openai')),
  VOICE_TTS_MODEL: z.preprocess(blankIsUnset, z.string().min(1).default('tts-1')),
  VOICE_TTS_VOICE: z.preprocess(
    blankIsUnset,
    z.enum(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer']).default('alloy'),
  ),
  VOICE_TTS_BASE_URL: z.preprocess(blankIsUnset, z.url().optional()),
  /** How many stored messages go into the agent's context (newest ones). */
  VOICE_HISTORY_LIMIT: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(200).default(30)),
});

export type TtsVoice = z.infer<typeof VoiceAgentEnv>['VOICE_TTS_VOICE'];

export interface VoiceAgentConfig {
  agentName: string;
  chatServiceUrl: string;
  internalToken: string;
  llm: { baseUrl: string | undefined; apiKey: string | undefined; defaultModel: string };
  stt:
    | { provider: 'openai'; model: string | undefined; language: string; baseUrl: string | undefined; apiKey: string | undefined; realtime: boolean }
    | { provider: 'deepgram'; model: string | undefined; language: string; apiKey: string };
  tts: { provider: 'openai'; model: string; voice: TtsVoice; baseUrl: string | undefined; apiKey: string | undefined };
  historyLimit: number;
}

export function loadVoiceAgentConfig(env: EnvVars = process.env): VoiceAgentConfig {
  const parsed = VoiceAgentEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid voice agent environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    agentName: e.LIVEKIT_AGENT_NAME,
    chatServiceUrl: e.CHAT_SERVICE_URL.replace(/\/+$/, ''),
    internalToken: e.CHAT_SERVICE_INTERNAL_TOKEN,
    llm: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, defaultModel: e.OPENAI_MODEL },
    stt: sttConfig(e),
    tts: {
      provider: e.VOICE_TTS,
      model: e.VOICE_TTS_MODEL,
      voice: e.VOICE_TTS_VOICE,
      baseUrl: e.VOICE_TTS_BASE_URL ?? e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
    },
    historyLimit: e.VOICE_HISTORY_LIMIT,
  };
}

function sttConfig(e: z.infer<typeof VoiceAgentEnv>): VoiceAgentConfig['stt'] {
  if (e.VOICE_STT === 'deepgram') {
    if (!e.DEEPGRAM_API_KEY) throw new Error('Invalid voice agent environment: DEEPGRAM_API_KEY is required with VOICE_STT=deepgram');
    return { provider: 'deepgram', model: e.VOICE_STT_MODEL, language: e.VOICE_STT_LANGUAGE, apiKey: e.DEEPGRAM_API_KEY };
  }
  const baseUrl = e.VOICE_STT_BASE_URL ?? e.OPENAI_BASE_URL;
  // Most OpenAI-compatible servers (whisper.cpp, vLLM, speaches) have no realtime transcription API.
  const realtime = e.VOICE_STT_REALTIME ?? (baseUrl === undefined || baseUrl.startsWith('https://api.openai.com'));
  return { provider: 'openai', model: e.VOICE_STT_MODEL, language: e.VOICE_STT_LANGUAGE, baseUrl, apiKey: e.OPENAI_API_KEY, realtime };
}

/** The persona says which model to use; `default` (or empty) means the server's OPENAI_MODEL. */
export function modelForPersona(personaModel: string, defaultModel: string): string {
  const trimmed = personaModel.trim();
  return trimmed === '' || trimmed === 'default' || trimmed === 'demo' ? defaultModel : trimmed;
}
