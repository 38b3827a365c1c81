import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Identity, IdentityKind, User } from '@confab/protocol';
import type { Database } from './client';
import { isUniqueViolation } from './errors';
import { conversations, messages, sessions, users, visitors, type UserRow } from './schema';

/** Users, visitors and their sessions. Tokens never reach this layer: only their hashes. */

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
  }
}

export interface ActiveSession {
  sessionId: string;
  identity: Identity;
  expiresAt: Date;
}

export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, display_name: row.displayName, created_at: row.createdAt.toISOString() };
}

export async function insertUser(
  db: Database,
  input: { email: string; displayName: string; passwordHash: string },
): Promise<UserRow> {
  try {
    const [row] = await db.insert(users).values(input).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_unique')) throw new EmailTakenError();
    throw error;
  }
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row ?? null;
}

export async function findUserById(db: Database, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function insertVisitor(db: Database, displayName: string): Promise<Identity> {
  const [row] = await db.insert(visitors).values({ displayName }).returning();
  if (!row) throw new Error('insert returned no row');
  return { kind: 'visitor', id: row.id, display_name: row.displayName };
}

export async function insertSession(
  db: Database,
  input: { tokenHash: string; identity: { kind: IdentityKind; id: string }; expiresAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({
      tokenHash: input.tokenHash,
      kind: input.identity.kind,
      userId: input.identity.kind === 'user' ? input.identity.id : null,
      visitorId: input.identity.kind === 'visitor' ? input.identity.id : null,
      expiresAt: input.expiresAt,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

const isActive = and(isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`));

/** A session that is neither revoked nor expired, with the identity behind it. */
export async function findActiveSession(
  db: Database,
  by: { tokenHash: string } | { sessionId: string },
): Promise<ActiveSession | null> {
  const match = 'tokenHash' in by ? eq(sessions.tokenHash, by.tokenHash) : eq(sessions.id, by.sessionId);
  const [row] = await db
    .select({
      sessionId: sessions.id,
      kind: sessions.kind,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      userName: users.displayName,
      visitorId: visitors.id,
      visitorName: visitors.displayName,
    })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .leftJoin(visitors, eq(visitors.id, sessions.visitorId))
    .where(and(match, isActive))
    .limit(1);
  if (!row) return null;
  const identity: Identity | null =
    row.kind === 'user' && row.userId && row.userName !== null
      ? { kind: 'user', id: row.userId, display_name: row.userName }
      : row.kind === 'visitor' && row.visitorId && row.visitorName !== null
        ? { kind: 'visitor', id: row.visitorId, display_name: row.visitorName }
        : null;
  return identity ? { sessionId: row.sessionId, identity, expiresAt: row.expiresAt } : null;
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * Moves a visitor's threads (and the visitor's own messages in them) to a user, and ends the
 * visitor session, in one transaction: either the person sees all their threads in the account
 * or nothing changed. Returns how many threads moved.
 */
export async function mergeVisitorIntoUser(
  db: Database,
  input: { visitorId: string; visitorSessionId: string; user: Identity },
): Promise<number> {
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(conversations)
      .set({ ownerUserId: input.user.id, ownerVisitorId: null, updatedAt: sql`now()` })
      .where(and(eq(conversations.kind, 'thread'), eq(conversations.ownerVisitorId, input.visitorId)))
      .returning({ id: conversations.id });
    await tx
      .update(messages)
      .set({ authorKind: 'user', authorId: input.user.id, authorName: input.user.display_name })
      .where(and(eq(messages.authorKind, 'visitor'), eq(messages.authorId, input.visitorId)));
    await tx.update(visitors).set({ mergedIntoUserId: input.user.id }).where(eq(visitors.id, input.visitorId));
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.id, input.visitorSessionId), isNull(sessions.revokedAt)));
    return moved.length;
  });
}
