import type { ClientContext, Redis, Result } from 'ioredis';
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

/** One instance's part as stored: when it was saved (Redis's clock), and who. Read back from Redis, so parsed. */
const StoredPart = z.object({ at: z.number(), people: z.array(Identity), guests: z.number().int().nonnegative() });
const SaveAnswer = z.tuple([z.number().int().positive(), z.array(z.string())]);

/**
 * One save, atomic in Redis: writes (or removes) this instance's part stamped with Redis's own
 * clock, drops the parts not saved for STALE_AFTER_MS (a crashed instance's), and counts a version
 * above the caller's floor. One clock judges every part's age, so instances whose clocks disagree
 * do not drop each other's parts, and a part dropped as stale cannot be a part saved a moment ago.
 * The stamp is written first in the part's JSON (`{"at":…,`), as instances before this script read it.
 *
 * KEYS: parts hash, version counter. ARGV: field, part JSON ('' removes it), floor, stale ms, ttl ms.
 * Answers { version, fresh parts' JSON }.
 */
const SAVE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], '{"at":' .. now .. ',' .. string.sub(ARGV[2], 2))
end
local fields = redis.call('HGETALL', KEYS[1])
local fresh = {}
for i = 1, #fields, 2 do
  local at = tonumber(string.match(fields[i + 1], '^{"at":(%d+)'))
  if at and now - at < tonumber(ARGV[4]) then
    fresh[#fresh + 1] = fields[i + 1]
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local version = redis.call('INCR', KEYS[2])
if version <= tonumber(ARGV[3]) then
  version = tonumber(ARGV[3]) + 1
  redis.call('SET', KEYS[2], version)
end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return { version, fresh }
`;

// SAVE_SCRIPT as a command of the connection (`defineCommand`): the text goes once per connection,
// then only its SHA1 (EVALSHA); ioredis sends the text again if Redis lost it (a restart).
declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    confabSavePresence(parts: string, version: string, field: string, part: string, floor: number, staleMs: number, ttlMs: number): Result<unknown, Context>;
  }
}

/**
 * Several instances: one Redis hash per conversation, a field per instance holding its part, and a
 * counter that orders the merged presence. A save writes this instance's field, counts, and reads
 * every field in one script, so two instances saving at once get different versions, and the
 * higher one has read both parts: a client keeping the highest version ends on the full presence.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly refreshMs = REFRESH_MS;
  private readonly log: Logger;

  /** `field`: this process's field in each hash; unique per process (two instances given the same INSTANCE_ID must not overwrite each other's part). */
  constructor(
    private readonly redis: Redis,
    private readonly field: string,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'presence' });
    redis.defineCommand('confabSavePresence', { numberOfKeys: 2, lua: SAVE_SCRIPT });
  }

  async save(conversationId: string, part: PresencePart | null, floor: number): Promise<{ version: number; merged: MergedPresence }> {
    const answer = await this.redis.confabSavePresence(partsKey(conversationId), versionKey(conversationId), this.field, part ? JSON.stringify(part) : '', floor, STALE_AFTER_MS, KEY_TTL_MS);
    const [version, stored] = SaveAnswer.parse(answer);
    const parts = stored.map(parsePart).filter((parsed) => parsed !== null);
    if (parts.length < stored.length) this.log.warn({ conversationId, unreadable: stored.length - parts.length }, 'presence parts that could not be read were left out');
    return { version, merged: mergePresence(parts) };
  }
}

function parsePart(text: string): PresencePart | null {
  try {
    const parsed = StoredPart.safeParse(JSON.parse(text));
    return parsed.success ? { people: parsed.data.people, guests: parsed.data.guests } : null;
  } catch {
    return null;
  }
}
