/** @confab/launcher — the one-command runner's pure parts and helpers shared with the browser test harness. */
export { mergeEnv, parseEnvText, readEnvFile, definedOnly, voiceConfigured, missingVoiceVariables, LauncherEnvSchema } from './src/env';
export type { EnvMap, MergedEnv, LauncherEnv, SecretGenerator } from './src/env';
export { planLaunch } from './src/plan';
export type { ChildName, ChildSpec, LaunchPlan, PlanOptions } from './src/plan';
export { isReadyLine, parseJsonLine, stripAnsi } from './src/readiness';
export { formatLine } from './src/format';
export { decideBuild, inlinedBuildEnv, readBuildFacts, writeBuildStamp, newestSourceMtime } from './src/build';
export type { BuildDecision, BuildFacts } from './src/build';
export { isPortFree, freePort, waitForPort } from './src/ports';
export { webServerArgs } from './src/web-server-options';
export { startChild, describeExit } from './src/child';
export type { ManagedChild, StartOptions } from './src/child';
