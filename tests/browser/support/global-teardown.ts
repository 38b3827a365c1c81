/** Stops what the global setup started: the Next.js server first, then the chat service. */
export default async function globalTeardown(): Promise<void> {
  const handles = globalThis.confabBrowserHarness;
  if (!handles) return;
  globalThis.confabBrowserHarness = undefined;
  if (handles.web) await handles.web.stop(10_000);
  if (handles.chat) {
    const code = await handles.chat.stop('SIGTERM');
    if (code !== 0 && code !== null) process.stderr.write(`[browser harness] chat service exited with code ${code} on SIGTERM\n`);
  }
}
