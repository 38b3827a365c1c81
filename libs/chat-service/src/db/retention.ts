import { and, eq, lt, notExists, sql } from 'drizzle-orm';
import type { Logger } from '../logger';
import type { Database } from './client';
import { sessions, visitors } from './schema';

/** How long past its end a session is kept (and how old a visitor left without any must be). */
export const RETENTION_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes what nobody can use any more: sessions that ended more than a day ago, and visitors with
 * no session left (their cookie expired, or they signed up and their threads moved to the
 * account), with their threads (cascade): a visitor's threads are reachable only through their
 * session, and keeping them would keep people's words for no one. Idempotent: several instances
 * may sweep at once.
 */
export async function deleteExpired(db: Database, now: Date): Promise<{ sessions: number; visitors: number }> {
  const cutoff = new Date(now.getTime() - RETENTION_GRACE_MS);
  const goneSessions = await db.delete(sessions).where(lt(sessions.expiresAt, cutoff)).returning({ id: sessions.id });
  const withoutSession = notExists(db.select({ one: sql`1` }).from(sessions).where(eq(sessions.visitorId, visitors.id)));
  // Old enough that a visitor being created right now (row first, session next) is never one of them.
  const goneVisitors = await db.delete(visitors).where(and(lt(visitors.createdAt, cutoff), withoutSession)).returning({ id: visitors.id });
  return { sessions: goneSessions.length, visitors: goneVisitors.length };
}

/** Runs `deleteExpired` every `intervalMs`; returns how to stop it. A failed sweep is logged and tried again next time. */
export function startRetentionSweep(db: Database, logger: Logger, intervalMs: number): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    deleteExpired(db, new Date())
      .then((gone) => {
        if (gone.sessions > 0 || gone.visitors > 0) logger.info(gone, 'deleted ended sessions and visitors left without one');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'retention sweep failed; trying again later'))
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
