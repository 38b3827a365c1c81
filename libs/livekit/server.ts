/**
 * @confab/livekit/server — server-only half of voice mode: env, room tokens, webhook handling.
 * Import it only from route handlers, server components and Node processes (it reads the
 * LiveKit API secret). Client code imports `@confab/livekit`.
 */
export { isVoiceConfigured, loadVoiceServerConfig, toWebSocketUrl } from './src/server/env';
export type { EnvVars, LiveKitConfig, VoiceServerConfig } from './src/server/env';
export {
  DispatchMetadata,
  mintRoomToken,
  newRoomName,
  threadIdFromRoomName,
  ROOM_TOKEN_TTL_SECONDS,
  ROOM_DEPARTURE_TIMEOUT_SECONDS,
  ROOM_EMPTY_TIMEOUT_SECONDS,
  ROOM_MAX_PARTICIPANTS,
} from './src/server/token';
export type { RoomTokenRequest } from './src/server/token';
export { handleRoomTokenRequest } from './src/server/room-token';
export type { RoomTokenInput } from './src/server/room-token';
export { handleLiveKitWebhook } from './src/server/webhook';
export type { WebhookInput } from './src/server/webhook';
