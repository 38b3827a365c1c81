import { z } from 'zod';

/**
 * The Next.js server's own environment (route handlers and server components only).
 * CHAT_SERVICE_URL is server-only: the browser never calls the chat service's REST API.
 * The public WebSocket base (`chatApiUrl`) comes from next.config.mjs `env` instead.
 */
const ServerEnv = z.object({
  CHAT_SERVICE_URL: z
    .url('CHAT_SERVICE_URL must be an http(s) URL')
    .default('http://127.0.0.1:4000')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Same variable the chat service reads: unset means its built-in demo agent answers. */
  OPENAI_BASE_URL: z.url().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});
export type ServerEnv = z.infer<typeof ServerEnv>;

export function parseServerEnv(env: Record<string, string | undefined>): ServerEnv {
  const parsed = ServerEnv.safeParse({
    CHAT_SERVICE_URL: env.CHAT_SERVICE_URL || undefined,
    OPENAI_BASE_URL: env.OPENAI_BASE_URL || undefined,
    NODE_ENV: env.NODE_ENV || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Next.js server environment: ${problems}`);
  }
  return parsed.data;
}

let cached: ServerEnv | null = null;

/** Read once per process; a misconfiguration fails the first request loudly instead of silently. */
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}

/** The WebSocket base handed to the browser with each ticket (public, from next.config.mjs `env`). */
export function publicWsBase(): string {
  return process.env.chatApiUrl ?? 'ws://localhost:4000/ws/v1/';
}
