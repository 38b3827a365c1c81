import type { AgentPersona } from '@confab/protocol';
import type { stt as sttTypes, tts as ttsTypes } from '@livekit/agents';
import * as deepgram from '@livekit/agents-plugin-deepgram';
import * as openai from '@livekit/agents-plugin-openai';
import { modelForPersona, type VoiceAgentConfig } from './config';

/** STT, LLM and TTS for one job, chosen by env; the persona picks the LLM model and temperature. */
export function createModels(config: VoiceAgentConfig, persona: Pick<AgentPersona, 'model' | 'temperature'>) {
  const llm = new openai.LLM({
    model: modelForPersona(persona.model, config.llm.defaultModel),
    temperature: persona.temperature,
    baseURL: config.llm.baseUrl,
    apiKey: config.llm.apiKey,
  });
  return { llm, stt: createStt(config.stt), tts: createTts(config.tts) };
}

function createStt(stt: VoiceAgentConfig['stt']): sttTypes.STT {
  if (stt.provider === 'deepgram') {
    return new deepgram.STT({ apiKey: stt.apiKey, language: stt.language, ...(stt.model ? { model: stt.model } : {}) });
  }
  return new openai.STT({
    apiKey: stt.apiKey,
    baseURL: stt.baseUrl,
    language: stt.language,
    useRealtime: stt.realtime,
    ...(stt.model ? { model: stt.model } : {}),
  });
}

function createTts(tts: VoiceAgentConfig['tts']): ttsTypes.TTS {
  return new openai.TTS({ model: tts.model, voice: tts.voice, baseURL: tts.baseUrl, apiKey: tts.apiKey });
}
