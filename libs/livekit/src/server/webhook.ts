import { WebhookReceiver } from 'livekit-server-sdk';
import { z } from 'zod';
import { postVoiceSession } from './chat-service';
import { loadVoiceServerConfig, type EnvVars } from './env';
import { errorResponse, jsonResponse } from './http';
import { logger } from './logger';
import { threadIdFromRoomName } from './token';

/** The fields of a LiveKit webhook we act on, checked after the signature is verified. */
const RoomFinished = z.object({ event: z.literal('room_finished'), room: z.object({ name: z.string().min(1) }) });

export interface WebhookInput {
  body: string;
  /** The `Authorization` header LiveKit signs the body with. */
  authorization: string | null;
  env?: EnvVars;
  fetchImpl?: typeof fetch;
}

/**
 * POST /api/livekit/webhook. Only `room_finished` matters: the person left (or the room timed
 * out), so the thread's voice session is over. Everything else is acknowledged and ignored,
 * because LiveKit retries webhooks that do not answer 2xx.
 */
export async function handleLiveKitWebhook(input: WebhookInput): Promise<Response> {
  const config = loadVoiceServerConfig(input.env);
  if (!config.livekit) return errorResponse(503, 'VOICE_NOT_CONFIGURED', 'Voice is not set up on this server.');
  if (!input.authorization) return errorResponse(401, 'AUTH_REQUIRED', 'Missing webhook signature.');

  let event: unknown;
  try {
    const receiver = new WebhookReceiver(config.livekit.apiKey, config.livekit.apiSecret);
    event = await receiver.receive(input.body, input.authorization);
  } catch (error) {
    logger.warn({ err: error }, 'livekit webhook rejected');
    return errorResponse(401, 'AUTH_FAILED', 'Invalid webhook signature.');
  }

  const finished = RoomFinished.safeParse(event);
  if (!finished.success) return jsonResponse(200, { ok: true, handled: false });
  const roomName = finished.data.room.name;
  const threadId = threadIdFromRoomName(roomName);
  if (!threadId) return jsonResponse(200, { ok: true, handled: false });
  if (!config.internalToken) {
    logger.error({ room: roomName }, 'CHAT_SERVICE_INTERNAL_TOKEN is not set: cannot end the voice session');
    return errorResponse(500, 'INTERNAL_ERROR', 'Voice sessions cannot be recorded.');
  }

  const result = await postVoiceSession(config.chatServiceUrl, config.internalToken, threadId, { state: 'ended', room_name: roomName }, input.fetchImpl);
  if (!result.ok && result.status !== 404) {
    // 5xx makes LiveKit retry the delivery later.
    logger.error({ room: roomName, status: result.status }, 'could not end the voice session');
    return errorResponse(502, 'INTERNAL_ERROR', 'The chat service did not accept the voice session end.');
  }
  logger.info({ threadId, room: roomName }, 'voice session ended');
  return jsonResponse(200, { ok: true, handled: true });
}
