import type { FastifyRequest } from 'fastify';
import { InternalMessageBody, VoiceSessionBody, type Message, type ThreadContextResponse } from '@confab/protocol';
import { secretsEqual } from '../../auth/tokens';
import type { ConversationRecord, NewMessage } from '../../contracts';
import { storableText } from '../../realtime/frames';
import type { HttpApp, HttpDeps } from '../deps';
import { fail } from '../errors';
import { IdParams, bearerToken, parseInput } from '../request';

/** How many recent messages the voice agent gets as context. */
export const VOICE_CONTEXT_MESSAGES = 50;

/** The voice agent's API: thread context, transcribed turns, voice session state. */
export function registerInternalRoutes(app: HttpApp, deps: HttpDeps): void {
  const { config, store, catalog, publish, logger } = deps;

  function requireInternalToken(request: FastifyRequest): void {
    const token = bearerToken(request);
    if (token === null) throw fail.authRequired();
    if (!secretsEqual(token, config.internalToken)) throw fail.authFailed('The internal token is not valid.');
  }

  async function threadFor(request: FastifyRequest): Promise<ConversationRecord> {
    requireInternalToken(request);
    const { id } = parseInput(IdParams, request.params);
    const conversation = await store.getConversation(id);
    if (!conversation || conversation.kind !== 'thread') throw fail.notFound('This thread');
    return conversation;
  }

  app.get('/v1/internal/threads/:id/context', async (request): Promise<ThreadContextResponse> => {
    const conversation = await threadFor(request);
    const found = await catalog.getThread(conversation.id);
    if (!found) throw fail.notFound('This thread');
    return { thread: found.thread, persona: conversation.persona, history: await store.recentMessages(conversation.id, VOICE_CONTEXT_MESSAGES) };
  });

  app.post('/v1/internal/threads/:id/messages', async (request, reply) => {
    const conversation = await threadFor(request);
    const body = storableTurn(parseInput(InternalMessageBody, request.body));
    const found = await catalog.getThread(conversation.id);
    if (!found) throw fail.notFound('This thread');
    const owner: Message['author'] = { kind: found.owner.kind, id: found.owner.id, display_name: found.owner.displayName };
    const { message, duplicate } = await store.appendMessage(voiceTurn(conversation, owner, body));
    // Text viewers of the thread see spoken turns appear live; a retried segment is not re-announced.
    if (!duplicate) publish(conversation.id, { event: 'message', data: { message } });
    else logger.debug({ conversationId: conversation.id, clientMessageId: body.client_message_id }, 'duplicate voice turn');
    return reply.code(duplicate ? 200 : 201).send({ message });
  });

  app.post('/v1/internal/threads/:id/voice-session', async (request, reply) => {
    const conversation = await threadFor(request);
    const body = parseInput(VoiceSessionBody, request.body);
    await catalog.setVoiceSession(conversation.id, body.state, body.room_name);
    logger.info({ conversationId: conversation.id, state: body.state, room: body.room_name }, 'voice session');
    return reply.code(204).send();
  });
}

/**
 * A transcribed turn as the database can store it, by the same rule as WebSocket messages (no NUL; lone
 * surrogates become U+FFFD). The idempotency key is refused rather than repaired: two different
 * ill-formed keys must not become one.
 */
function storableTurn(body: InternalMessageBody): InternalMessageBody {
  const content = storableText(body.content);
  if (!content.ok) throw fail.validation(content.message);
  const key = storableText(body.client_message_id);
  if (!key.ok || key.text !== body.client_message_id) throw fail.validation('client_message_id must be well-formed text without NUL characters.');
  return { ...body, content: content.text };
}

function voiceTurn(conversation: ConversationRecord, owner: Message['author'], body: InternalMessageBody): NewMessage {
  const author: Message['author'] =
    body.role === 'agent' ? { kind: 'agent', id: null, display_name: conversation.persona.name } : owner;
  return {
    conversationId: conversation.id,
    clientMessageId: body.client_message_id,
    author,
    content: body.content,
    status: 'complete',
    source: 'voice',
    model: null,
  };
}
