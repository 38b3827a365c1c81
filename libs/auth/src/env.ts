import { z } from 'zod';

/**
 * The Next.js server's own environment (route handlers and server components only).
 * CHAT_SERVICE_URL is server-only: the browser never calls the chat service's REST API.
 * `chatApiUrl` (the seed guide's name) is the public WebSocket base; it is read here at request
 * time, not inlined into the bundle, and handed to the browser with each ticket.
 */
const ServerEnv = z.object({
  CHAT_SERVICE_URL: z
    .url('CHAT_SERVICE_URL must be an http(s) URL')
    .default('http://127.0.0.1:4000')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Same variable the chat service reads: unset means its built-in demo agent answers. */
  OPENAI_BASE_URL: z.url().optional(),
  /**
   * Shared with the chat service: with it, sign-up, sign-in and visitor creation name the
   * person's address, so the chat service's per-address limits are per person. Unset, those
   * limits see this server as one client (the launcher always sets it).
   */
  CHAT_SERVICE_INTERNAL_TOKEN: z.string().min(16, 'CHAT_SERVICE_INTERNAL_TOKEN must be at least 16 characters').optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  chatApiUrl: z
    .string()
    .regex(/^wss?:\/\/.+\/$/, 'chatApiUrl must be a ws:// or wss:// URL ending in / (e.g. ws://localhost:4000/ws/v1/)')
    .default('ws://localhost:4000/ws/v1/'),
});
export type ServerEnv = z.infer<typeof ServerEnv>;

export function parseServerEnv(env: Record<string, string | undefined>): ServerEnv {
  const parsed = ServerEnv.safeParse({
    CHAT_SERVICE_URL: env.CHAT_SERVICE_URL || undefined,
    OPENAI_BASE_URL: env.OPENAI_BASE_URL || undefined,
    CHAT_SERVICE_INTERNAL_TOKEN: env.CHAT_SERVICE_INTERNAL_TOKEN || undefined,
    NODE_ENV: env.NODE_ENV || undefined,
    chatApiUrl: env.chatApiUrl || undefined,
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

/** The WebSocket base handed to the browser with each ticket (public, but read at request time). */
export function publicWsBase(): string {
  return serverEnv().chatApiUrl;
}
