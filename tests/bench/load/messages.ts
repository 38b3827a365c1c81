import { z } from 'zod';

/** IPC messages between a benchmark (parent) and its load-generating child (`load/clients.ts`). */

export const BareTarget = z.object({ kind: z.literal('bare'), wsUrl: z.string() });
export const ConfabTarget = z.object({
  kind: z.literal('confab'),
  httpUrl: z.string(),
  wsBase: z.string(),
  conversationId: z.string(),
  /** Session tokens to open sockets with (tickets are fetched per connection or reused). */
  sessions: z.array(z.object({ token: z.string(), kind: z.enum(['user', 'visitor']) })),
  /** How many sockets one ticket may open before a new one is fetched (1 = a ticket per socket). */
  socketsPerTicket: z.number().int().positive(),
});
export const Target = z.discriminatedUnion('kind', [BareTarget, ConfabTarget]);
export type Target = z.infer<typeof Target>;

export const ConnectCommand = z.object({ type: z.literal('connect'), target: Target, count: z.number().int().nonnegative(), concurrency: z.number().int().positive() });
export const FanoutCommand = z.object({
  type: z.literal('fanout'),
  runId: z.string().regex(/^[a-z0-9]+$/),
  /** Sender sockets: opened before sending, each sends at most `maxPerSender` messages. */
  senders: Target,
  maxPerSender: z.number().int().positive(),
  ratePerSecond: z.number().positive(),
  durationS: z.number().positive(),
  drainMs: z.number().int().positive(),
  /** Extra characters in each message so frames have a realistic size. */
  padding: z.number().int().nonnegative(),
});
export const CloseCommand = z.object({ type: z.literal('close') });
export const Command = z.discriminatedUnion('type', [ConnectCommand, FanoutCommand, CloseCommand]);
export type Command = z.infer<typeof Command>;
export type FanoutCommand = z.infer<typeof FanoutCommand>;

export const ConnectedReply = z.object({
  type: z.literal('connected'),
  open: z.number(),
  failed: z.number(),
  errors: z.array(z.string()),
  seconds: z.number(),
});
export type ConnectedReply = z.infer<typeof ConnectedReply>;

export const LatencySummary = z.object({ count: z.number(), p50: z.number(), p99: z.number(), max: z.number(), mean: z.number() });

export const FanoutReply = z.object({
  type: z.literal('fanout-result'),
  sent: z.number(),
  acked: z.number(),
  senderErrors: z.array(z.string()),
  receivers: z.number(),
  expected: z.number(),
  delivered: z.number(),
  /** From the first send to the last delivery. */
  seconds: z.number(),
  latencyMs: LatencySummary,
  /** Client process CPU seconds used during the run (to spot a saturated load generator). */
  clientCpuS: z.number(),
});
export type FanoutReply = z.infer<typeof FanoutReply>;

export const ClosedReply = z.object({ type: z.literal('closed') });
export const FailedReply = z.object({ type: z.literal('failed'), error: z.string() });
