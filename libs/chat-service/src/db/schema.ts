import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The chat service's tables. The same schema serves embedded PGlite and PostgreSQL;
 * `npm run db:generate` turns changes into SQL migrations in libs/chat-service/drizzle.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Always stored lower-case (the protocol's Email schema lower-cases), so the unique index is case-insensitive. */
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later. */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
});

export const visitors = pgTable('visitors', {
  id: uuid('id').primaryKey().defaultRandom(),
  displayName: text('display_name').notNull(),
  /** Set once the visitor signed up or in: its threads now belong to this user. */
  mergedIntoUserId: uuid('merged_into_user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** sha256 of the bearer token: a database leak does not hand out usable sessions. */
    tokenHash: text('token_hash').notNull().unique(),
    kind: text('kind', { enum: ['user', 'visitor'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    visitorId: uuid('visitor_id').references(() => visitors.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check(
      'sessions_one_identity',
      sql`(${t.kind} = 'user' AND ${t.userId} IS NOT NULL AND ${t.visitorId} IS NULL) OR (${t.kind} = 'visitor' AND ${t.visitorId} IS NOT NULL AND ${t.userId} IS NULL)`,
    ),
  ],
);

export const posts = pgTable('posts', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  agentName: text('agent_name').notNull(),
  agentHandle: text('agent_handle').notNull(),
  instructions: text('instructions').notNull(),
  /** `default` means the configured OPENAI_MODEL. */
  model: text('model').notNull(),
  temperature: doublePrecision('temperature').notNull(),
  voiceEnabled: boolean('voice_enabled').notNull(),
  greeting: text('greeting').notNull(),
  createdAt: createdAt(),
});

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['post', 'thread'] }).notNull(),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
    ownerVisitorId: uuid('owner_visitor_id').references(() => visitors.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** The seq of the newest message; incremented in the same transaction as each insert. */
    lastSeq: integer('last_seq').notNull().default(0),
    voiceRoomName: text('voice_room_name'),
    voiceState: text('voice_state', { enum: ['started', 'ended'] }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'conversations_owner_matches_kind',
      sql`(${t.kind} = 'post' AND ${t.ownerUserId} IS NULL AND ${t.ownerVisitorId} IS NULL) OR (${t.kind} = 'thread' AND num_nonnulls(${t.ownerUserId}, ${t.ownerVisitorId}) = 1)`,
    ),
    // One shared conversation per post; also what makes seeding idempotent across instances.
    uniqueIndex('conversations_one_per_post').on(t.postId).where(sql`${t.kind} = 'post'`),
    index('conversations_owner_user_idx').on(t.ownerUserId, t.updatedAt),
    index('conversations_owner_visitor_idx').on(t.ownerVisitorId, t.updatedAt),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    clientMessageId: text('client_message_id'),
    authorKind: text('author_kind', { enum: ['user', 'visitor', 'agent', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name').notNull(),
    content: text('content').notNull(),
    status: text('status', { enum: ['complete', 'streaming', 'stopped', 'interrupted', 'error'] }).notNull(),
    source: text('source', { enum: ['text', 'voice'] }).notNull(),
    model: text('model'),
    finishReason: text('finish_reason'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    /**
     * On an agent reply: the message it answers. A reply's seq is taken when its turn starts, after
     * messages queued behind it, so seq alone cannot say which question it answers. No foreign key:
     * it only orders the agent's context, where an id not found reads as "older than what is read".
     */
    replyTo: uuid('reply_to'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_conversation_seq_unique').on(t.conversationId, t.seq),
    uniqueIndex('messages_conversation_client_id_unique').on(t.conversationId, t.clientMessageId),
    index('messages_streaming_idx').on(t.status).where(sql`${t.status} = 'streaming'`),
  ],
);

export const schema = { users, visitors, sessions, posts, conversations, messages };

export type UserRow = typeof users.$inferSelect;
export type VisitorRow = typeof visitors.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type PostRow = typeof posts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
