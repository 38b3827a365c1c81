import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/**
 * The launcher's view of the environment. It reads only what it needs to decide what to start
 * and where; every child gets the whole merged environment and validates its own part.
 */
const Port = z.coerce.number().int().min(1, 'must be 1..65535').max(65535, 'must be 1..65535');

export const LauncherEnvSchema = z.object({
  /** Port of the Next.js app. */
  PORT: Port.default(3000),
  CHAT_SERVICE_PORT: Port.default(4000),
  LIVEKIT_URL: z.string().optional(),
  LIVEKIT_API_KEY: z.string().optional(),
  LIVEKIT_API_SECRET: z.string().optional(),
});
export type LauncherEnv = z.infer<typeof LauncherEnvSchema>;

export type EnvMap = Record<string, string>;

/** Reads `.env.local` (or any dotenv file) without touching `process.env`. Missing file: `{}`. */
export function readEnvFile(file: string): EnvMap {
  if (!existsSync(file)) return {};
  return parseEnvText(readFileSync(file, 'utf8'));
}

export function parseEnvText(text: string): EnvMap {
  const parsed = parseEnv(text);
  const out: EnvMap = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** Only defined string values: `process.env` may hold `undefined` entries. */
export function definedOnly(env: NodeJS.ProcessEnv): EnvMap {
  const out: EnvMap = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export interface MergedEnv {
  /** What every child process gets. */
  env: EnvMap;
  /** Parsed launcher settings. */
  settings: LauncherEnv;
  /** Names of secrets that were generated for this run because nobody set them. */
  generated: string[];
}

export type SecretGenerator = (bytes: number) => string;
const defaultGenerator: SecretGenerator = (bytes) => randomBytes(bytes).toString('base64url');

/** Values that an empty string in `.env.local` should not override (treated as unset). */
function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * Precedence: the real environment wins over `.env.local`, which wins over the launcher's
 * defaults. Shared secrets that nobody set are generated once here, so the chat service, the
 * Next.js server and the voice agent all get the same values.
 */
export function mergeEnv(processEnv: EnvMap, fileEnv: EnvMap, generate: SecretGenerator = defaultGenerator): MergedEnv {
  const env: EnvMap = { ...fileEnv };
  for (const [key, value] of Object.entries(processEnv)) {
    if (isSet(value) || !(key in env)) env[key] = value;
  }
  for (const [key, value] of Object.entries(env)) {
    if (!isSet(value)) delete env[key];
  }

  const parsed = LauncherEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const settings = parsed.data;

  const generated: string[] = [];
  const secret = (name: string, bytes: number): void => {
    if (isSet(env[name])) return;
    env[name] = generate(bytes);
    generated.push(name);
  };
  secret('TICKET_SECRET', 32);
  secret('CHAT_SERVICE_INTERNAL_TOKEN', 24);

  const fill = (name: string, value: string): void => {
    if (!isSet(env[name])) env[name] = value;
  };
  env.PORT = String(settings.PORT);
  env.CHAT_SERVICE_PORT = String(settings.CHAT_SERVICE_PORT);
  // Where the Next.js server and the voice agent reach the chat service's REST API.
  fill('CHAT_SERVICE_URL', `http://127.0.0.1:${settings.CHAT_SERVICE_PORT}`);
  // Where browsers open WebSockets (the seed guide's name).
  fill('chatApiUrl', `ws://localhost:${settings.CHAT_SERVICE_PORT}/ws/v1/`);
  // The chat service accepts WebSockets only from the app's own origin.
  fill('ALLOWED_ORIGINS', `http://localhost:${settings.PORT},http://127.0.0.1:${settings.PORT}`);

  return { env, settings, generated };
}

export function voiceConfigured(settings: LauncherEnv): boolean {
  return isSet(settings.LIVEKIT_URL) && isSet(settings.LIVEKIT_API_KEY) && isSet(settings.LIVEKIT_API_SECRET);
}

export function missingVoiceVariables(settings: LauncherEnv): string[] {
  const names = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
  return names.filter((n) => !isSet(settings[n]));
}
