import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { alias } from 'drizzle-orm/pg-core';
import type { Message } from '@confab/protocol';
import type { ConversationRecord, MessagePage, MessagePatch, NewMessage, Store, StreamingReply } from '../contracts';
import { ownsDatabaseAlone, type Database } from './client';
import { CoalescedReads } from './coalesced-reads';
import { ConversationCache } from './conversation-cache';
import { LastSeqs } from './last-seqs';
import { toConversationRecord, toMessage } from './mappers';
import { DEFAULT_THREAD_TITLE_PREFIX, threadTitleFrom } from './preview';
import { conversations, messages, posts, type MessageRow } from './schema';

export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super(`conversation ${conversationId} does not exist`);
  }
}

export class MessageNotFoundError extends Error {
  constructor(readonly messageId: string) {
    super(`message ${messageId} does not exist`);
  }
}

export interface StoreOptions {
  /** What a persona's `default` model resolves to. */
  defaultModel: string;
  /** Called after the database is closed (the store owns the connection). */
  close: () => Promise<void>;
  /** How long conversation records are reused (see ConversationCache); 0 reads every time. Default 5 s. */
  conversationCacheMs?: number;
}

const CONVERSATION_CACHE_MS = 5_000;
const CONVERSATION_CACHE_ENTRIES = 10_000;
const LAST_SEQ_ENTRIES = 50_000;

/** The `Store` seam (contracts.ts) over drizzle: the realtime layer and REST share it. */
export function createStore(db: Database, options: StoreOptions): Store {
  const conversationCache = new ConversationCache(options.conversationCacheMs ?? CONVERSATION_CACHE_MS, CONVERSATION_CACHE_ENTRIES);
  const lastSeqs = lastSeqReader(db);
  return {
    getConversation: (conversationId) => conversationCache.get(conversationId, () => getConversation(db, conversationId, options.defaultModel)),
    forgetConversation: (conversationId) => conversationCache.forget(conversationId),
    appendMessage: async (input) => {
      const appended = await appendMessage(db, input);
      lastSeqs.note(input.conversationId, appended.message.seq);
      conversationCache.noteSeq(input.conversationId, appended.message.seq);
      return appended;
    },
    updateMessage: (messageId, patch) => updateMessage(db, messageId, patch),
    findByClientMessageId: async (conversationId, clientMessageId) => {
      const row = await findByClientMessageId(db, conversationId, clientMessageId);
      return row ? toMessage(row) : null;
    },
    listMessages: (conversationId, page) => listMessages(db, lastSeqs.read, conversationId, page),
    recentMessages: (conversationId, limit, upToSeq) => recentMessages(db, conversationId, limit, upToSeq),
    interruptStaleStreams: (olderThanMs) => interruptStaleStreams(db, olderThanMs),
    streamingReplies: (conversationId) => streamingReplies(db, conversationId),
    keepStreamsAlive: (messageIds) => keepStreamsAlive(db, messageIds),
    close: options.close,
  };
}

interface LastSeqReader {
  read(conversationId: string): Promise<number>;
  note(conversationId: string, seq: number): void;
}

/**
 * Every socket syncs right after connecting, so reading a conversation's last seq is the hottest
 * query. When this process owns the database alone, it answers from what it has read and written
 * (see LastSeqs); otherwise sockets syncing together share one query that starts after they asked.
 */
function lastSeqReader(db: Database): LastSeqReader {
  const queries = new CoalescedReads<number>();
  const known = ownsDatabaseAlone(db) ? new LastSeqs(LAST_SEQ_ENTRIES) : null;
  const query = async (conversationId: string): Promise<number> => {
    const seq = await queries.read(conversationId, () => lastSeqOf(db, conversationId));
    known?.note(conversationId, seq);
    return seq;
  };
  return {
    read: (conversationId) => {
      const seq = known?.get(conversationId);
      return seq === undefined ? query(conversationId) : Promise.resolve(seq);
    },
    note: (conversationId, seq) => known?.note(conversationId, seq),
  };
}

async function getConversation(db: Database, conversationId: string, defaultModel: string): Promise<ConversationRecord | null> {
  const [row] = await db
    .select({ conversation: conversations, post: posts })
    .from(conversations)
    .innerJoin(posts, eq(posts.id, conversations.postId))
    .where(eq(conversations.id, conversationId))
    .limit(1);
  return row ? toConversationRecord(row.conversation, row.post, defaultModel) : null;
}

async function findByClientMessageId(db: Database, conversationId: string, clientMessageId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.clientMessageId, clientMessageId)))
    .limit(1);
  return row ?? null;
}

/**
 * One statement, one round trip (it was five: a transaction of update, check, insert): the
 * conversation row's `last_seq` is the seq allocator. `FOR UPDATE` locks that row until the statement
 * commits, so concurrent appends (even from other instances) queue on it and each reads the seq the
 * previous one wrote; `last_seq` moves only when the insert happened, so a resend that conflicts on
 * client_message_id leaves no gap. Measured by `npm run bench -- fanout` (the append is most of the
 * fixed cost of a message before its broadcast).
 */
const AppendedRow = z.object({ id: z.string(), seq: z.coerce.number().int().positive(), created_at: z.union([z.date(), z.string()]) });
const AppendResult = z.object({ rows: z.array(AppendedRow) });

async function appendMessage(db: Database, input: NewMessage): Promise<{ message: Message; duplicate: boolean }> {
  const { conversationId, clientMessageId, author } = input;
  const model = input.model ?? null;
  const replyTo = input.replyTo ?? null;
  // A person's first words name a thread still called by its default title (see threadTitleFrom).
  const title = author.kind === 'user' || author.kind === 'visitor' ? threadTitleFrom(input.content) : null;
  const result = AppendResult.parse(
    await db.execute(sql`
      WITH next AS (
        SELECT ${conversations.id} AS conversation_id, ${conversations.lastSeq} + 1 AS seq
        FROM ${conversations} WHERE ${conversations.id} = ${conversationId} FOR UPDATE
      ), inserted AS (
        INSERT INTO ${messages} (conversation_id, seq, client_message_id, author_kind, author_id, author_name, content, status, source, model, reply_to)
        SELECT next.conversation_id, next.seq, ${clientMessageId}, ${author.kind}, ${author.id}, ${author.display_name}, ${input.content}, ${input.status}, ${input.source}, ${model}, ${replyTo}::uuid
        FROM next
        ON CONFLICT (conversation_id, client_message_id) DO NOTHING
        RETURNING id, seq, created_at
      ), bumped AS (
        UPDATE ${conversations} SET last_seq = inserted.seq, updated_at = now(),
          title = CASE
            WHEN ${title}::text IS NOT NULL AND ${conversations.kind} = 'thread' AND ${conversations.title} = ${DEFAULT_THREAD_TITLE_PREFIX} || ${posts.agentName}
            THEN ${title}::text ELSE ${conversations.title} END
        FROM inserted, ${posts} WHERE ${conversations.id} = ${conversationId} AND ${posts.id} = ${conversations.postId}
      )
      SELECT id, seq, created_at FROM inserted
    `),
  );
  const row = result.rows[0];
  if (row) {
    const message: Message = {
      id: row.id,
      conversation_id: conversationId,
      seq: row.seq,
      client_message_id: clientMessageId,
      author,
      content: input.content,
      status: input.status,
      source: input.source,
      model,
      finish_reason: null,
      usage: null,
      created_at: new Date(row.created_at).toISOString(),
      ...(replyTo !== null && { reply_to: replyTo }),
    };
    return { message, duplicate: false };
  }
  // Nothing inserted: this client_message_id is stored already (the first copy wins), or there is no such conversation.
  const original = clientMessageId === null ? null : await findByClientMessageId(db, conversationId, clientMessageId);
  if (original) return { message: toMessage(original), duplicate: true };
  throw new ConversationNotFoundError(conversationId);
}

async function updateMessage(db: Database, messageId: string, patch: MessagePatch): Promise<Message> {
  const [row] = await db
    .update(messages)
    .set({
      content: patch.content,
      status: patch.status,
      finishReason: patch.finishReason,
      model: patch.model,
      ...(patch.usage !== undefined && {
        promptTokens: patch.usage?.prompt_tokens ?? null,
        completionTokens: patch.usage?.completion_tokens ?? null,
      }),
      updatedAt: sql`now()`,
    })
    .where(eq(messages.id, messageId))
    .returning();
  if (!row) throw new MessageNotFoundError(messageId);
  return toMessage(row);
}

async function lastSeqOf(db: Database, conversationId: string): Promise<number> {
  const [row] = await db
    .select({ lastSeq: conversations.lastSeq })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .limit(1);
  if (!row) throw new ConversationNotFoundError(conversationId);
  return row.lastSeq;
}

async function listMessages(
  db: Database,
  readLastSeq: (conversationId: string) => Promise<number>,
  conversationId: string,
  page: { afterSeq?: number; beforeSeq?: number; limit: number; maxBytes?: number },
): Promise<MessagePage> {
  const lastSeq = await readLastSeq(conversationId);
  // A client already up to date (every socket's first sync after `connected`): nothing to read.
  if (page.afterSeq !== undefined && page.afterSeq >= lastSeq) return { messages: [], hasMore: false, lastSeq };
  const inConversation = eq(messages.conversationId, conversationId);
  if (page.maxBytes !== undefined) return listMessagesWithin(db, conversationId, { ...page, maxBytes: page.maxBytes }, lastSeq);
  // One extra row tells whether another page exists without a COUNT.
  if (page.afterSeq !== undefined) {
    const rows = await db
      .select()
      .from(messages)
      .where(and(inConversation, gt(messages.seq, page.afterSeq)))
      .orderBy(asc(messages.seq))
      .limit(page.limit + 1);
    return { messages: rows.slice(0, page.limit).map(toMessage), hasMore: rows.length > page.limit, lastSeq };
  }
  const before: SQL | undefined = page.beforeSeq !== undefined ? lt(messages.seq, page.beforeSeq) : undefined;
  const rows = await db
    .select()
    .from(messages)
    .where(and(inConversation, before))
    .orderBy(desc(messages.seq))
    .limit(page.limit + 1);
  return { messages: rows.slice(0, page.limit).reverse().map(toMessage), hasMore: rows.length > page.limit, lastSeq };
}

/**
 * A page cut by the size of its messages' text as well as by count (sync and history pages: 200
 * messages of 40 kB would be 8 MB). Forward from `afterSeq`, or back from `beforeSeq` (or from the
 * newest). The database sums the text lengths as it goes, in the page's order (`octet_length`
 * reads a stored value's size without decompressing it), and returns the rows that fit plus the
 * next one without its text, which says whether more follow: no text is read into memory to be
 * thrown away, and only the rows kept cross into this process (a page of a few large messages
 * costs about what it did when it was 200 rows of small ones).
 */
async function listMessagesWithin(
  db: Database,
  conversationId: string,
  page: { afterSeq?: number; beforeSeq?: number; limit: number; maxBytes: number },
  lastSeq: number,
): Promise<MessagePage> {
  const backward = page.afterSeq === undefined;
  const inOrder = backward ? sql`over (order by ${messages.seq} desc)` : sql`over (order by ${messages.seq})`;
  const within = backward ? (page.beforeSeq === undefined ? undefined : lt(messages.seq, page.beforeSeq)) : gt(messages.seq, page.afterSeq ?? 0);
  const sized = db
    .select({
      ...getTableColumns(messages),
      upTo: sql<number>`sum(octet_length(${messages.content})) ${inOrder}`.as('up_to'),
      position: sql<number>`row_number() ${inOrder}`.as('position'),
    })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), within))
    .orderBy(backward ? desc(messages.seq) : asc(messages.seq))
    .limit(page.limit + 1)
    .as('sized');
  const fits = sql`${sized.upTo} <= ${page.maxBytes} or ${sized.position} = 1`;
  const rows = await db
    .select({ ...sized._.selectedFields, content: sql<string | null>`case when ${fits} then ${sized.content} end` })
    .from(sized)
    // The rows that fit, and the one after them (the text before it fits): it says whether more follow.
    .where(sql`${sized.upTo} - octet_length(${sized.content}) <= ${page.maxBytes} or ${sized.position} <= 2`)
    .orderBy(backward ? desc(sized.seq) : asc(sized.seq));
  const kept: Message[] = [];
  for (const row of rows) {
    // The running sum only grows: the rows that fit are a prefix.
    if (row.content === null || kept.length === page.limit) break;
    kept.push(toMessage({ ...row, content: row.content }));
  }
  return { messages: backward ? kept.reverse() : kept, hasMore: rows.length > kept.length, lastSeq };
}

async function recentMessages(db: Database, conversationId: string, limit: number, upToSeq?: number): Promise<Message[]> {
  const inConversation = eq(messages.conversationId, conversationId);
  const window = await db
    .select()
    .from(messages)
    .where(upToSeq === undefined ? inConversation : and(inConversation, lte(messages.seq, upToSeq)))
    .orderBy(desc(messages.seq))
    .limit(limit);
  const laterReplies =
    upToSeq === undefined
      ? []
      : await db
          .select()
          .from(messages)
          .where(and(inConversation, gt(messages.seq, upToSeq), eq(messages.authorKind, 'agent')))
          .orderBy(asc(messages.seq))
          .limit(limit);
  return [...window.reverse(), ...laterReplies].map(toMessage);
}

async function interruptStaleStreams(db: Database, olderThanMs: number): Promise<Message[]> {
  // The database's clock on both sides: rows are touched with its now(), and an instance's own clock may be off.
  const cutoff = sql`now() - make_interval(secs => ${olderThanMs / 1000})`;
  const rows = await db
    .update(messages)
    .set({ status: 'interrupted', finishReason: 'interrupted', updatedAt: sql`now()` })
    .where(and(eq(messages.status, 'streaming'), lt(messages.updatedAt, cutoff)))
    .returning();
  return rows.map(toMessage);
}

async function streamingReplies(db: Database, conversationId: string): Promise<StreamingReply[]> {
  // The asker is not stored on the reply: it is the author of the message the reply answers.
  const asked = alias(messages, 'asked');
  const rows = await db
    .select({ id: messages.id, askerKind: asked.authorKind, askerId: asked.authorId })
    .from(messages)
    .leftJoin(asked, and(eq(asked.id, messages.replyTo), eq(asked.conversationId, messages.conversationId)))
    .where(and(eq(messages.conversationId, conversationId), eq(messages.status, 'streaming')))
    .orderBy(asc(messages.seq));
  return rows.map(({ id, askerKind, askerId }) => ({
    id,
    askedBy: (askerKind === 'user' || askerKind === 'visitor') && askerId !== null ? { kind: askerKind, id: askerId } : undefined,
  }));
}

async function keepStreamsAlive(db: Database, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db
    .update(messages)
    .set({ updatedAt: sql`now()` })
    .where(and(inArray(messages.id, [...messageIds]), eq(messages.status, 'streaming')));
}
