import { AgentPersona, type Message, type Post, type Thread } from '@confab/protocol';
import type { ConversationRecord } from '../contracts';
import type { ConversationRow, MessageRow, PostRow } from './schema';

/** Row → protocol shapes. The database speaks snake_case columns and Dates; the wire speaks the protocol. */

/** Posts may say `default`: the persona then uses whatever model this server is configured with. */
export const DEFAULT_MODEL_MARKER = 'default';

export function toPersona(post: PostRow, defaultModel: string): AgentPersona {
  // Posts can be edited straight in the database; a broken row must fail loudly here, not in a model call.
  return AgentPersona.parse({
    name: post.agentName,
    handle: post.agentHandle,
    instructions: post.instructions,
    model: post.model === DEFAULT_MODEL_MARKER ? defaultModel : post.model,
    temperature: post.temperature,
    voice_enabled: post.voiceEnabled,
    greeting: post.greeting,
  });
}

export function toPost(post: PostRow, conversationId: string, defaultModel: string): Post {
  return {
    id: post.id,
    slug: post.slug,
    title: post.title,
    description: post.description,
    agent: toPersona(post, defaultModel),
    conversation_id: conversationId,
    created_at: post.createdAt.toISOString(),
  };
}

export function toMessage(row: MessageRow): Message {
  const usage =
    row.promptTokens !== null && row.completionTokens !== null
      ? { prompt_tokens: row.promptTokens, completion_tokens: row.completionTokens }
      : null;
  return {
    id: row.id,
    conversation_id: row.conversationId,
    seq: row.seq,
    client_message_id: row.clientMessageId,
    author: { kind: row.authorKind, id: row.authorId, display_name: row.authorName },
    content: row.content,
    status: row.status,
    source: row.source,
    model: row.model,
    finish_reason: row.finishReason,
    usage,
    created_at: row.createdAt.toISOString(),
    ...(row.replyTo !== null && { reply_to: row.replyTo }),
  };
}

export function ownerOf(conversation: ConversationRow): ConversationRecord['owner'] {
  if (conversation.ownerUserId) return { kind: 'user', id: conversation.ownerUserId };
  if (conversation.ownerVisitorId) return { kind: 'visitor', id: conversation.ownerVisitorId };
  return null;
}

export function toConversationRecord(conversation: ConversationRow, post: PostRow, defaultModel: string): ConversationRecord {
  return {
    id: conversation.id,
    kind: conversation.kind,
    postId: post.id,
    postSlug: post.slug,
    persona: toPersona(post, defaultModel),
    owner: ownerOf(conversation),
    lastSeq: conversation.lastSeq,
  };
}

export function toThread(conversation: ConversationRow, post: PostRow): Thread {
  const owner = ownerOf(conversation);
  if (conversation.kind !== 'thread' || owner === null) {
    throw new Error(`conversation ${conversation.id} is not a thread`);
  }
  return {
    id: conversation.id,
    conversation_id: conversation.id,
    post_slug: post.slug,
    post_title: post.title,
    agent_name: post.agentName,
    voice_enabled: post.voiceEnabled,
    title: conversation.title,
    owner: owner.kind,
    last_seq: conversation.lastSeq,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  };
}
