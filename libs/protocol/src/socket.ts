/* No zod here: the browser imports these without loading the schemas (see README). */

/**
 * The plain text frame `ping` is answered with the plain text `pong` (react-use-websocket's heartbeat).
 */
export const HEARTBEAT_PING = 'ping';
export const HEARTBEAT_PONG = 'pong';

/** On a socket URL: the client applies delta-only `stream` frames (see StreamData in ws.ts). */
export const DELTA_STREAMS_QUERY = { name: 'stream', value: 'delta' } as const;

/** Path of a conversation's socket relative to the chat API base (`chatApiUrl`, ending in `/ws/v1/`). */
export const conversationSocketPath = (conversationId: string): string => `conversation/${conversationId}/`;
