import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * What the browser harness's global setup hands the test files (they run in other processes):
 * written to test-results/browser-env.json. When the setup failed, `error` says why in words and
 * every browser test fails with that message instead of a timeout.
 */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const SCREENSHOT_DIR = path.join(RESULTS_DIR, 'screenshots');
export const HARNESS_ENV_FILE = path.join(RESULTS_DIR, 'browser-env.json');
/** Set by the global setup for the test workers: this run's own copy of the file. */
export const HARNESS_ENV_VAR = 'CONFAB_BROWSER_ENV_FILE';

export const HarnessEnv = z.object({
  /** The Next.js app under test, e.g. http://127.0.0.1:39123 */
  baseUrl: z.string(),
  /** The chat service's REST base, e.g. http://127.0.0.1:4310 */
  chatHttpUrl: z.string(),
  /** The chat service's WebSocket base, e.g. ws://127.0.0.1:4310/ws/v1/ */
  chatWsBase: z.string(),
  /** Bearer token of the chat service's internal API (voice agent routes). */
  internalToken: z.string(),
  /** DEMO_AGENT_TOKEN_DELAY_MS the chat service runs with. */
  demoTokenDelayMs: z.number(),
  /** Seconds spent in each setup step. */
  timings: z.record(z.string(), z.number()),
  error: z.null(),
});
export type HarnessEnv = z.infer<typeof HarnessEnv>;

const HarnessFailure = z.object({ error: z.string() });

/** For test files: the running app's addresses, or a readable error when the harness could not start it. */
export function readHarnessEnv(): HarnessEnv {
  const file = process.env[HARNESS_ENV_VAR] ?? HARNESS_ENV_FILE;
  if (!existsSync(file)) {
    throw new Error(`Browser harness: ${path.relative(ROOT, file)} is missing; run browser tests through jest (globalSetup starts the app).`);
  }
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const failure = HarnessFailure.safeParse(raw);
  if (failure.success) throw new Error(`Browser harness could not start the app: ${failure.data.error}`);
  return HarnessEnv.parse(raw);
}
