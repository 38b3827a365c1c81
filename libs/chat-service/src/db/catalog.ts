import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { plainText, type IdentityKind, type Post, type Thread } from '@confab/protocol';
import type { Database } from './client';
import { ownerOf, toPost, toThread } from './mappers';
import { defaultThreadTitle } from './preview';
import { conversations, messages, posts, users, visitors } from './schema';

/** Posts and threads as the REST API shows them. */
export interface Catalog {
  listPosts(): Promise<Post[]>;
  getPost(slug: string): Promise<Post | null>;
  /**
   * A private thread with the post's agent. Without a title, the owner's newest thread there that
   * nobody has written in yet is opened again instead of adding another empty one: pressing
   * "Start a private thread" twice, or retrying a request that timed out, makes one thread.
   */
  createThread(postSlug: string, owner: Owner, title: string | undefined): Promise<{ thread: Thread; created: boolean } | null>;
  /** The owner's threads, most recently active first. */
  listThreads(owner: Owner): Promise<Thread[]>;
  /** A thread with its owner, or null when the id is not a thread. Callers check ownership. */
  getThread(threadId: string): Promise<{ thread: Thread; owner: Owner & { displayName: string } } | null>;
  setVoiceSession(threadId: string, state: 'started' | 'ended', roomName: string): Promise<boolean>;
  /** Deletes the owner's thread with its messages (cascade); false when it is not theirs or not there. */
  deleteThread(threadId: string, owner: Owner): Promise<boolean>;
}

export interface Owner {
  kind: IdentityKind;
  id: string;
}

export function createCatalog(db: Database, defaultModel: string): Catalog {
  return {
    async listPosts() {
      const rows = await postsWithConversation(db).orderBy(asc(posts.createdAt), asc(posts.slug));
      return rows.map((r) => toPost(r.post, r.conversationId, defaultModel));
    },
    async getPost(slug) {
      const [row] = await postsWithConversation(db).where(eq(posts.slug, slug)).limit(1);
      return row ? toPost(row.post, row.conversationId, defaultModel) : null;
    },
    async createThread(postSlug, owner, title) {
      const [post] = await db.select().from(posts).where(eq(posts.slug, postSlug)).limit(1);
      if (!post) return null;
      if (title === undefined) {
        const [unused] = await db
          .select()
          .from(conversations)
          .where(and(eq(conversations.kind, 'thread'), eq(conversations.postId, post.id), ownedBy(owner), eq(conversations.lastSeq, 0), isNull(conversations.voiceRoomName)))
          .orderBy(desc(conversations.createdAt))
          .limit(1);
        if (unused) return { thread: toThread(unused, post), created: false };
      }
      const [conversation] = await db
        .insert(conversations)
        .values({
          kind: 'thread',
          postId: post.id,
          ownerUserId: owner.kind === 'user' ? owner.id : null,
          ownerVisitorId: owner.kind === 'visitor' ? owner.id : null,
          title: title ?? defaultThreadTitle(post.agentName),
        })
        .returning();
      if (!conversation) throw new Error('insert returned no row');
      return { thread: toThread(conversation, post), created: true };
    },
    async listThreads(owner) {
      // The newest message with text, cut short in the database (the list needs a line, not the reply).
      const preview = sql<string | null>`(
        SELECT left(${messages.content}, ${PREVIEW_CHARS}) FROM ${messages}
        WHERE ${messages.conversationId} = ${conversations.id} AND ${messages.content} <> ''
        ORDER BY ${messages.seq} DESC LIMIT 1
      )`;
      const rows = await db
        .select({ conversation: conversations, post: posts, preview })
        .from(conversations)
        .innerJoin(posts, eq(posts.id, conversations.postId))
        .where(and(eq(conversations.kind, 'thread'), ownedBy(owner)))
        .orderBy(desc(conversations.updatedAt), desc(conversations.createdAt));
      return rows.map((r) => ({ ...toThread(r.conversation, r.post), ...(typeof r.preview === 'string' ? { preview: plainText(r.preview) } : {}) }));
    },
    async getThread(threadId) {
      const [row] = await db
        .select({ conversation: conversations, post: posts, userName: users.displayName, visitorName: visitors.displayName })
        .from(conversations)
        .innerJoin(posts, eq(posts.id, conversations.postId))
        .leftJoin(users, eq(users.id, conversations.ownerUserId))
        .leftJoin(visitors, eq(visitors.id, conversations.ownerVisitorId))
        .where(and(eq(conversations.id, threadId), eq(conversations.kind, 'thread')))
        .limit(1);
      const owner = row ? ownerOf(row.conversation) : null;
      if (!row || !owner) return null;
      const displayName = row.userName ?? row.visitorName ?? '';
      return { thread: toThread(row.conversation, row.post), owner: { ...owner, displayName } };
    },
    async deleteThread(threadId, owner) {
      const gone = await db
        .delete(conversations)
        .where(and(eq(conversations.id, threadId), eq(conversations.kind, 'thread'), ownedBy(owner)))
        .returning({ id: conversations.id });
      return gone.length > 0;
    },
    async setVoiceSession(threadId, state, roomName) {
      const rows = await db
        .update(conversations)
        .set({ voiceState: state, voiceRoomName: roomName })
        .where(and(eq(conversations.id, threadId), eq(conversations.kind, 'thread')))
        .returning({ id: conversations.id });
      return rows.length > 0;
    },
  };
}

/** How much of the newest message the threads list reads (its preview line is at most this long). */
const PREVIEW_CHARS = 140;

function postsWithConversation(db: Database) {
  return db
    .select({ post: posts, conversationId: conversations.id })
    .from(posts)
    .innerJoin(conversations, and(eq(conversations.postId, posts.id), eq(conversations.kind, 'post')))
    .$dynamic();
}

function ownedBy(owner: Owner): SQL {
  return owner.kind === 'user' ? eq(conversations.ownerUserId, owner.id) : eq(conversations.ownerVisitorId, owner.id);
}
