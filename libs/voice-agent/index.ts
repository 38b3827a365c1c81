/**
 * @confab/voice-agent — the LiveKit voice agent worker (entry: src/main.ts, `npm run voice-agent`).
 * Exported here: the pieces a job is made of, so tests and tools can run them without a room.
 */
export { createThreadAgent, persistTurns, TurnPersister } from './src/agent';
export type { AgentLogger } from './src/agent';
export { ChatServiceClient, ChatServiceError } from './src/chat-service-client';
export type { ChatServiceClientOptions } from './src/chat-service-client';
export { loadVoiceAgentConfig, modelForPersona } from './src/config';
export type { VoiceAgentConfig } from './src/config';
export { buildInstructions, clientMessageIdFor, historyToTurns, parseJobMetadata, turnToMessageBody, VOICE_DELIVERY_NOTE } from './src/conversation';
export type { ConversationTurn, HistoryTurn } from './src/conversation';
export { prepareJob, runVoiceJob } from './src/job';
export type { PreparedJob, RunningVoiceJob, VoiceJobDeps } from './src/job';
