import type { ServerFrame } from '@confab/protocol';
import type { Store } from '../contracts';
import type { Logger } from '../logger';
import { doneFrame } from './reply-outcome';

/**
 * Replies whose process is gone. Every instance touches the rows of the replies it streams
 * (`AgentReplies`, every quarter of `staleAfterMs`), so a `streaming` row untouched for
 * `staleAfterMs` belongs to nobody: a crashed instance, or one that could not save the end.
 * The sweep marks such rows `interrupted` (then "Try again" is offered) and publishes their `done`,
 * so readers on any instance see the reply end instead of a caret that never stops.
 */
export interface StaleStreamSweepDeps {
  store: Store;
  publish(conversationId: string, frame: ServerFrame): void;
  logger: Logger;
}

/** Marks replies untouched for `olderThanMs` interrupted and tells their readers; returns how many. */
export async function sweepStaleStreams(deps: StaleStreamSweepDeps, olderThanMs: number): Promise<number> {
  const interrupted = await deps.store.interruptStaleStreams(olderThanMs);
  for (const message of interrupted) {
    const end = { status: 'interrupted' as const, content: message.content, finish_reason: message.finish_reason, usage: message.usage, model: message.model };
    deps.publish(message.conversation_id, doneFrame(message, end));
  }
  if (interrupted.length > 0) deps.logger.warn({ interrupted: interrupted.length }, 'marked replies whose process is gone as interrupted');
  return interrupted.length;
}

/** Sweeps every half of `staleAfterMs`; returns how to stop. A failed sweep is logged and tried again next time. */
export function startStaleStreamSweep(deps: StaleStreamSweepDeps, staleAfterMs: number): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepStaleStreams(deps, staleAfterMs)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'stale stream sweep failed; trying again later'))
      .finally(() => {
        sweeping = false;
      });
  }, staleAfterMs / 2);
  timer.unref();
  return () => clearInterval(timer);
}
