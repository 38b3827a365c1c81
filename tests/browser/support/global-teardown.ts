import { rmSync } from 'node:fs';
import { HARNESS_ENV_VAR } from './harness-env';

/** Stops what the global setup started: the Next.js server first, then the chat service. */
export default async function globalTeardown(): Promise<void> {
  const handles = globalThis.confabBrowserHarness;
  if (!handles) return;
  globalThis.confabBrowserHarness = undefined;
  if (handles.web) await handles.web.stop(10_000);
  if (handles.chat) await handles.chat.stop(15_000);
  const envFile = process.env[HARNESS_ENV_VAR];
  if (envFile) rmSync(envFile, { force: true });
}
