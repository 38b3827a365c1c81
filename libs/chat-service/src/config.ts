import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_S } from '@confab/protocol';

/**
 * The chat service's environment, validated once at start-up. Every variable is listed in
 * `.env.local.example`. Defaults make `npm start` work with nothing configured.
 */
const Env = z.object({
  CHAT_SERVICE_HOST: z.string().default('127.0.0.1'),
  CHAT_SERVICE_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** postgres://… switches from the embedded PGlite database to a PostgreSQL server. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL').optional(),
  /** Embedded database folder, or `memory://` for a throwaway in-memory database (tests). */
  PGLITE_DATA_DIR: z.string().default('.data/pglite'),
  /** redis://… fans conversation events out across several chat service instances. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
  /** HS256 key for WebSocket tickets. Required with several instances; random per process otherwise. */
  TICKET_SECRET: z.string().min(32, 'TICKET_SECRET must be at least 32 characters').optional(),
  /** Bearer token the voice agent uses for the internal API. Required for voice; random otherwise. */
  CHAT_SERVICE_INTERNAL_TOKEN: z.string().min(16).optional(),
  /** Comma-separated browser origins allowed to open WebSockets. */
  ALLOWED_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp). Unset: the built-in demo agent answers. */
  OPENAI_BASE_URL: z
    .url()
    // fetch refuses such a URL with an error that quotes it, and that error would reach readers as the reply's reason.
    .refine((url) => {
      if (!URL.canParse(url)) return true; // z.url() has said what is wrong with it
      const { username, password } = new URL(url);
      return username === '' && password === '';
    }, 'must not hold a user name or password: put the key in OPENAI_API_KEY')
    .optional(),
  OPENAI_API_KEY: z.string().optional(),
  /** Model used for posts whose persona says `default`. */
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  /** A reply ends (complete, finish_reason "length") at this many characters: a model that never stops cannot stream forever. */
  AGENT_REPLY_MAX_CHARS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  /** ... or after this many seconds (finish_reason "time_limit"), however slowly it trickles. */
  AGENT_REPLY_MAX_S: z.coerce.number().positive().max(24 * 60 * 60).default(600),
  AGENT_REPLY_DB_RETRY_S: z.coerce.number().min(0).max(600).default(30),
  /** Delay between demo agent tokens (ms): makes the stream visible to people. */
  DEMO_AGENT_TOKEN_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Name of this instance in logs and metrics. */
  INSTANCE_ID: z.string().optional(),
  /** Frames per second one WebSocket may send on average, and at once (burst); beyond: RATE_LIMIT, then close 4429. */
  WS_FRAME_RATE_PER_S: z.coerce.number().positive().max(10_000).default(20),
  /**
   * Every this many seconds each socket is sent a WebSocket ping; one that has answered nothing
   * since the last round is dropped (a client gone without closing: a dead network path, a
   * suspended laptop), so it stops holding its connection slots.
   */
  WS_PING_INTERVAL_S: z.coerce.number().positive().max(3_600).default(30),
  WS_FRAME_BURST: z.coerce.number().int().min(1).max(100_000).default(40),
  /**
   * A socket that leaves a sync page it was sent (or a backlog over 1 MiB) untaken this long is not
   * reading: it is closed as a slow consumer (4429) and gives back what it held (see the README).
   */
  WS_SLOW_CONSUMER_TIMEOUT_S: z.coerce.number().positive().max(3_600).default(15),
  /** Open WebSockets per identity (all tabs and devices) and per client address, on this instance; beyond: TOO_MANY_CONNECTIONS, close 4429. */
  WS_MAX_CONNECTIONS_PER_IDENTITY: z.coerce.number().int().min(1).default(20),
  WS_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  /**
   * Open (and opening) WebSockets on this instance, whoever holds them; beyond: SERVER_FULL, close 4429.
   * Each idle socket costs ~4–7 KiB of RSS (idle benchmark) and a file descriptor, so without a cap enough clients
   * could take an instance past its memory or `ulimit -n`. 20,000 leaves the 10,000-socket idle
   * benchmark room.
   */
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(20_000),
  /**
   * Messages one identity may send (all its sockets, on every instance with REDIS_URL) per
   * MESSAGES_PER_IDENTITY_WINDOW_S seconds; beyond: RATE_LIMIT with retry_after_s. Defaults:
   * MESSAGE_RATE_LIMIT per MESSAGE_RATE_WINDOW_S (@confab/protocol).
   */
  MESSAGES_PER_IDENTITY: z.coerce.number().int().min(1).max(100_000).default(MESSAGE_RATE_LIMIT),
  MESSAGES_PER_IDENTITY_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(MESSAGE_RATE_WINDOW_S),
  /** New visitor sessions per client address per 10 minutes, and new accounts per address per hour; beyond: RATE_LIMIT (429). */
  VISITORS_PER_ADDRESS_PER_10_MIN: z.coerce.number().int().min(1).default(60),
  SIGN_UPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /**
   * Failed sign-ins per client address per 10 minutes, whatever the emails; beyond: RATE_LIMIT (429)
   * without a password check. Right passwords do not count (each attempt's point comes back).
   */
  FAILED_SIGN_INS_PER_ADDRESS_PER_10_MIN: z.coerce.number().int().min(1).default(30),
  /** Failed sign-ins per email per hour, whatever the addresses (someone with many of them can spread guesses over them). */
  FAILED_SIGN_INS_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).default(50),
  /**
   * Voice starts (room tokens) per person per 10 minutes, on every instance and web server (each
   * start dispatches a paid agent: speech-to-text, the model, speech); beyond: RATE_LIMIT (429).
   */
  VOICE_ROOM_TOKENS_PER_10_MIN: z.coerce.number().int().min(1).default(10),
  /** Behind one trusted reverse proxy: take the client address (WebSockets, direct REST calls) from the last X-Forwarded-For entry. */
  WS_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  /**
   * A reply whose row nobody has touched for this long (its instance crashed, or could not save
   * the end) is marked interrupted and its readers told. Replies streaming are touched 4 times as often.
   */
  STALE_STREAM_AFTER_S: z.coerce.number().int().min(1).max(3_600).default(60),
  /** How often ended sessions, and visitors left without one (with their threads), are deleted. */
  RETENTION_SWEEP_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(3_600),
  /** When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open (keep it off the public network). */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
});

export interface ChatServiceConfig {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  redisUrl: string | undefined;
  ticketSecret: Uint8Array;
  internalToken: string;
  allowedOrigins: string[];
  openai: { baseUrl: string | undefined; apiKey: string | undefined; model: string };
  /** Where a reply is cut off: characters and milliseconds (AGENT_REPLY_MAX_CHARS, AGENT_REPLY_MAX_S). */
  replyLimits: { maxChars: number; maxMs: number };
  /** How long a reply's row or final state is tried again while the database refuses it (AGENT_REPLY_DB_RETRY_S). */
  replyDbRetryMs: number;
  demoTokenDelayMs: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  instanceId: string;
  /** Bearer token for `GET /metrics` (unset: open). */
  metricsToken: string | undefined;
  /** WebSocket abuse limits (see the WS_* variables). */
  ws: {
    pingIntervalMs: number;
    frameRatePerS: number;
    frameBurst: number;
    maxConnectionsPerIdentity: number;
    maxConnectionsPerAddress: number;
    maxConnections: number;
    trustProxy: boolean;
    slowConsumerTimeoutMs: number;
  };
  /** Messages per identity (see MESSAGES_PER_IDENTITY, MESSAGES_PER_IDENTITY_WINDOW_S). */
  messagesPerIdentity: { points: number; durationS: number };
  /** New identities per client address (see VISITORS_PER_ADDRESS_PER_10_MIN, SIGN_UPS_PER_ADDRESS_PER_HOUR). */
  creation: {
    visitors: { points: number; durationS: number };
    signUps: { points: number; durationS: number };
  };
  /** Failed sign-ins per email, from any address (see FAILED_SIGN_INS_PER_EMAIL_PER_HOUR). */
  signInsPerEmail: { points: number; durationS: number };
  /** Failed sign-ins per client address (see FAILED_SIGN_INS_PER_ADDRESS_PER_10_MIN). */
  signInsPerAddress: { points: number; durationS: number };
  /** Voice starts per person (see VOICE_ROOM_TOKENS_PER_10_MIN). */
  voiceStarts: { points: number; durationS: number };
  /** How often the retention sweep runs (ms). */
  retentionSweepMs: number;
  /** After how long without a touch a `streaming` reply counts as abandoned (ms). */
  staleStreamAfterMs: number;
  /** Which values were generated because they were not configured (logged as warnings). */
  generated: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ChatServiceConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid chat service environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.REDIS_URL && !e.TICKET_SECRET) {
    throw new Error('TICKET_SECRET must be set when REDIS_URL is set: every instance must verify the same tickets.');
  }
  const generated: string[] = [];
  const secret = (value: string | undefined, name: string): string => {
    if (value) return value;
    generated.push(name);
    return randomBytes(32).toString('base64url');
  };
  return {
    host: e.CHAT_SERVICE_HOST,
    port: e.CHAT_SERVICE_PORT,
    databaseUrl: e.DATABASE_URL,
    pgliteDataDir: e.PGLITE_DATA_DIR,
    redisUrl: e.REDIS_URL,
    ticketSecret: new TextEncoder().encode(secret(e.TICKET_SECRET, 'TICKET_SECRET')),
    internalToken: secret(e.CHAT_SERVICE_INTERNAL_TOKEN, 'CHAT_SERVICE_INTERNAL_TOKEN'),
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    openai: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_MODEL },
    replyLimits: { maxChars: e.AGENT_REPLY_MAX_CHARS, maxMs: e.AGENT_REPLY_MAX_S * 1000 },
    replyDbRetryMs: e.AGENT_REPLY_DB_RETRY_S * 1000,
    demoTokenDelayMs: e.DEMO_AGENT_TOKEN_DELAY_MS,
    logLevel: e.LOG_LEVEL,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    metricsToken: e.METRICS_TOKEN,
    ws: {
      pingIntervalMs: e.WS_PING_INTERVAL_S * 1000,
      frameRatePerS: e.WS_FRAME_RATE_PER_S,
      frameBurst: e.WS_FRAME_BURST,
      maxConnectionsPerIdentity: e.WS_MAX_CONNECTIONS_PER_IDENTITY,
      maxConnectionsPerAddress: e.WS_MAX_CONNECTIONS_PER_ADDRESS,
      maxConnections: e.WS_MAX_CONNECTIONS,
      trustProxy: e.WS_TRUST_PROXY,
      slowConsumerTimeoutMs: e.WS_SLOW_CONSUMER_TIMEOUT_S * 1000,
    },
    messagesPerIdentity: { points: e.MESSAGES_PER_IDENTITY, durationS: e.MESSAGES_PER_IDENTITY_WINDOW_S },
    creation: {
      visitors: { points: e.VISITORS_PER_ADDRESS_PER_10_MIN, durationS: 10 * 60 },
      signUps: { points: e.SIGN_UPS_PER_ADDRESS_PER_HOUR, durationS: 60 * 60 },
    },
    signInsPerAddress: { points: e.FAILED_SIGN_INS_PER_ADDRESS_PER_10_MIN, durationS: 10 * 60 },
    signInsPerEmail: { points: e.FAILED_SIGN_INS_PER_EMAIL_PER_HOUR, durationS: 60 * 60 },
    voiceStarts: { points: e.VOICE_ROOM_TOKENS_PER_10_MIN, durationS: 10 * 60 },
    retentionSweepMs: e.RETENTION_SWEEP_INTERVAL_S * 1000,
    staleStreamAfterMs: e.STALE_STREAM_AFTER_S * 1000,
    generated,
  };
}
