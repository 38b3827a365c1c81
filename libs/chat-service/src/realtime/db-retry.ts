import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationNotFoundError, MessageNotFoundError } from '../db/store';
import type { Logger } from '../logger';

const FIRST_RETRY_MS = 500;

export interface DbRetry {
  /** How long to go on trying (AGENT_REPLY_DB_RETRY_S). */
  budgetMs: number;
  /** Shutdown: no more waiting on a database that may be down. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * Runs `write` again while the database refuses it (a failover or restart takes seconds), after
 * 0.5, 1, 2, 4… s, for up to `budgetMs`. Null when it still failed then, when what it writes is
 * gone (the conversation or the message deleted), or once `signal` aborted. Each failure is logged
 * as `failure`, with `context`.
 */
export async function whileRefused<T>(retry: DbRetry, failure: string, context: Record<string, unknown>, write: () => Promise<T>): Promise<T | null> {
  const startedAt = Date.now();
  for (let attempt = 1, delay = FIRST_RETRY_MS; ; attempt += 1, delay *= 2) {
    try {
      return await write();
    } catch (error) {
      const leftMs = retry.budgetMs - (Date.now() - startedAt);
      const gone = error instanceof ConversationNotFoundError || error instanceof MessageNotFoundError;
      const giveUp = gone || leftMs <= 0 || retry.signal.aborted;
      retry.log.error({ err: error, ...context, attempt, giveUp }, failure);
      if (giveUp) return null;
      try {
        await sleep(Math.min(delay, leftMs), undefined, { signal: retry.signal });
      } catch {
        return null; // aborted
      }
    }
  }
}
