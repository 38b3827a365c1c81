import type { Redis } from 'ioredis';
import { z } from 'zod';
import { Identity } from '@confab/protocol';
import type { Logger } from '../logger';
import { mergePresence, type MergedPresence, type PresencePart, type PresenceStore } from './presence';

export const PRESENCE_KEY_PREFIX = 'confab:presence:';

const partsKey = (conversationId: string): string => `${PRESENCE_KEY_PREFIX}${conversationId}`;
const versionKey = (conversationId: string): string => `${PRESENCE_KEY_PREFIX}${conversationId}:version`;

/** Each instance saves its parts again this often; a part not saved for STALE_AFTER_MS (a crashed instance's) no longer counts. */
const REFRESH_MS = 10_000;
const STALE_AFTER_MS = 3 * REFRESH_MS;
/** The keys of a conversation no instance has sockets in go after this (the version with them: clients start again per socket). */
const KEY_TTL_MS = 10 * REFRESH_MS;

/** One instance's part as stored: when it was saved (its own clock), and who. Read back from Redis, so parsed. */
const StoredPart = z.object({ at: z.number(), people: z.array(Identity), guests: z.number().int().nonnegative() });

/**
 * Several instances: one Redis hash per conversation, a field per instance holding its part, and a
 * counter that orders the merged presence. Saving writes this instance's field, counts, and reads
 * every field in one MULTI, so two instances saving at once get different versions, and the higher
 * one has read both parts: a client keeping the highest version ends on the full presence.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly refreshMs = REFRESH_MS;
  private readonly log: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'presence' });
  }

  async save(conversationId: string, part: PresencePart | null): Promise<{ version: number; merged: MergedPresence }> {
    const key = partsKey(conversationId);
    const stored = JSON.stringify({ at: Date.now(), ...part });
    const transaction = this.redis.multi();
    if (part) transaction.hset(key, this.instanceId, stored);
    else transaction.hdel(key, this.instanceId);
    const results = await transaction
      .pexpire(key, KEY_TTL_MS)
      .incr(versionKey(conversationId))
      .pexpire(versionKey(conversationId), KEY_TTL_MS)
      .hgetall(key)
      .exec();
    const version = z.number().int().positive().parse(results?.[2]?.[1]);
    const fields = z.record(z.string(), z.string()).parse(results?.[4]?.[1]);
    return { version, merged: mergePresence(this.freshParts(key, fields)) };
  }

  /** The parts saved recently enough; stale or unreadable ones are removed (fire-and-forget). */
  private freshParts(key: string, fields: Record<string, string>): PresencePart[] {
    const parts: PresencePart[] = [];
    const stale: string[] = [];
    for (const [instance, text] of Object.entries(fields)) {
      const part = parsePart(text);
      if (part && Date.now() - part.at < STALE_AFTER_MS) parts.push(part);
      else stale.push(instance);
    }
    if (stale.length > 0) {
      this.log.info({ key, instances: stale }, 'dropped presence of instances that stopped saving it');
      this.redis.hdel(key, ...stale).catch((error: unknown) => this.log.warn({ err: error, key }, 'could not drop stale presence'));
    }
    return parts;
  }
}

function parsePart(text: string): z.infer<typeof StoredPart> | null {
  try {
    const parsed = StoredPart.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
