import { randomBytes } from 'node:crypto';
import type { RoomTokenResponse } from '@confab/protocol';
import { AccessToken, RoomAgentDispatch, RoomConfiguration, TrackSource } from 'livekit-server-sdk';
import { z } from 'zod';
import type { LiveKitConfig } from './env';

/** Long enough to join comfortably; LiveKit refreshes the token of a connected participant itself. */
export const ROOM_TOKEN_TTL_SECONDS = 15 * 60;
/** The room closes this long after the person leaves, which ends the voice session (webhook). */
export const ROOM_DEPARTURE_TIMEOUT_SECONDS = 20;
/** A room nobody joined is closed after this long. */
export const ROOM_EMPTY_TIMEOUT_SECONDS = 60;
/** The person and the agent. */
export const ROOM_MAX_PARTICIPANTS = 2;

/** What the worker reads from its job metadata. */
export const DispatchMetadata = z.object({ threadId: z.uuid(), postSlug: z.string().min(1) });
export type DispatchMetadata = z.infer<typeof DispatchMetadata>;

const ROOM_NAME = /^thread-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([A-Za-z0-9_-]{8,})$/i;

/**
 * A fresh room per voice session: LiveKit skips agent dispatch when a participant joins a room
 * that already exists (livekit/livekit#4390), so a reused name would leave the person alone.
 */
export function newRoomName(threadId: string): string {
  return `thread-${threadId}-${randomBytes(9).toString('base64url')}`;
}

/** The thread a room belongs to, or null for rooms that are not ours. */
export function threadIdFromRoomName(roomName: string): string | null {
  return ROOM_NAME.exec(roomName)?.[1]?.toLowerCase() ?? null;
}

export interface RoomTokenRequest {
  identity: string;
  displayName: string;
  threadId: string;
  postSlug: string;
}

/**
 * Mints the participant token. Least privilege: join this one room only, publish the microphone
 * only, no data publishing, no metadata self-update; the agent is dispatched by the token itself.
 */
export async function mintRoomToken(config: LiveKitConfig, request: RoomTokenRequest): Promise<RoomTokenResponse> {
  const roomName = newRoomName(request.threadId);
  const token = new AccessToken(config.apiKey, config.apiSecret, {
    identity: request.identity,
    name: request.displayName,
    ttl: ROOM_TOKEN_TTL_SECONDS,
  });
  token.addGrant({
    room: roomName,
    roomJoin: true,
    roomCreate: false,
    roomList: false,
    roomAdmin: false,
    canSubscribe: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canPublishData: false,
    canUpdateOwnMetadata: false,
  });
  const metadata: DispatchMetadata = { threadId: request.threadId, postSlug: request.postSlug };
  token.roomConfig = new RoomConfiguration({
    name: roomName,
    emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
    departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
    maxParticipants: ROOM_MAX_PARTICIPANTS,
    agents: [new RoomAgentDispatch({ agentName: config.agentName, metadata: JSON.stringify(metadata) })],
  });
  return {
    serverUrl: config.clientUrl,
    roomName,
    participantName: request.displayName,
    participantToken: await token.toJwt(),
  };
}
