/**
 * Reconnect backoff: 1 s doubling to 30 s, with jitter so that many browsers dropped by the
 * same server restart do not all come back in the same millisecond (thundering herd).
 * Pure: the random source is a parameter so tests can pin it.
 */

export const RECONNECT_BASE_DELAY_MS = 1_000;
export const RECONNECT_MAX_DELAY_MS = 30_000;
/** After this many failed attempts the hook stops and offers a manual "Reconnect". */
export const RECONNECT_ATTEMPTS = 10;

export type Jitter = 'full' | 'equal';

/** The un-jittered delay for an attempt (0-based, as react-use-websocket counts). */
export function backoffCeiling(attempt: number): number {
  const safeAttempt = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2^5 * 1 s already exceeds the cap; clamping the exponent avoids Infinity for huge attempts.
  const exponent = Math.min(safeAttempt, 16);
  return Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** exponent);
}

/**
 * Delay before reconnect attempt `attempt` (0-based).
 * - `equal` (default): half the ceiling plus a random half, so a retry never comes sooner than
 *   half the ceiling, which keeps a flapping server from being hammered.
 * - `full`: anywhere between 0 and the ceiling (best spread, but can retry almost at once).
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random, jitter: Jitter = 'equal'): number {
  const ceiling = backoffCeiling(attempt);
  const r = clampUnit(random());
  const delay = jitter === 'full' ? r * ceiling : ceiling / 2 + (r * ceiling) / 2;
  return Math.round(delay);
}

/** Random sources may return exactly 1 or garbage; keep the delay inside [0, ceiling]. */
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value > 1 ? 1 : value;
}
