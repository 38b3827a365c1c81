import type { ChatServiceConfig } from '../config';
import type { Logger } from '../logger';
import { createDemoAgent } from './demo';
import { createOpenAiProvider } from './openai';
import type { AgentProvider } from './types';

export { AgentProviderError, type AgentChunk, type AgentProvider, type AgentRequest } from './types';
export { createDemoAgent, composeDemoReply, DEMO_MODEL } from './demo';
export { createOpenAiProvider, GROUP_CONVERSATION_NOTE, resolveModel, toChatMessages } from './openai';

/** The OpenAI-compatible provider when OPENAI_BASE_URL is set, the offline demo agent otherwise. */
export function createAgentProvider(config: ChatServiceConfig, logger: Logger): AgentProvider {
  const { baseUrl, apiKey, model } = config.openai;
  if (baseUrl) {
    logger.info({ agent: 'openai-compatible', baseUrl, defaultModel: model }, 'agent replies come from an OpenAI-compatible server');
    return createOpenAiProvider({ baseUrl, apiKey, defaultModel: model });
  }
  logger.info({ agent: 'demo' }, 'OPENAI_BASE_URL is not set: the built-in demo agent answers');
  return createDemoAgent({ tokenDelayMs: config.demoTokenDelayMs });
}
