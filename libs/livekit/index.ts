/**
 * @confab/livekit — browser half of voice mode. The server half (token minting, env,
 * webhooks) is `@confab/livekit/server`; never import that from client code.
 * Nothing here imports livekit-client at module level: it is loaded when voice starts.
 */
export { AgentConnectionProvider, useAgentConnection } from './src/AgentConnectionProvider';
export type { AgentConnection, AgentConnectionProviderProps, FetchToken } from './src/AgentConnectionProvider';
export { VoiceMode } from './src/VoiceMode';
export type { VoiceModeProps } from './src/VoiceMode';
export { VoiceTranscript } from './src/VoiceTranscript';
export type { VoiceTranscriptProps } from './src/VoiceTranscript';
export type { ConnectionMode, VoiceConnectionState, VoiceStatus } from './src/connection-state';
export { fetchRoomToken, roomTokenUrl, VOICE_MESSAGES } from './src/token-client';
export type { TokenResult, VoiceFailure, VoiceFailureKind, VoiceTarget } from './src/token-client';
export type { TranscriptSegment } from './src/transcript';
