import type { ConversationRecord } from '../contracts';
import { TtlCache } from './ttl-cache';

/**
 * Conversation records by id, kept a few seconds so admitting a socket (and authorizing a REST
 * call) does not cost a database join each time; every socket of a conversation then holds the same
 * record object instead of its own copy.
 *
 * Only records whose authorization fields cannot change are kept: a post's shared conversation (no
 * owner) and a thread owned by a user. A visitor's thread is always read from the database, because
 * signing up moves it to the new account (an old owner cached here would lock the new one out).
 * Persona fields (editable straight in the database) are at most `ttlMs` old. `lastSeq` is raised on
 * every append this instance makes; appends by other instances show up within `ttlMs`. It only feeds
 * the `connected` hint: the client's `sync` answer reads the real last seq.
 */
export class ConversationCache {
  private readonly cache: TtlCache<ConversationRecord | null>;

  constructor(ttlMs: number, maxEntries: number) {
    this.cache = new TtlCache(ttlMs, maxEntries, (record) => record !== null && hasFixedOwner(record));
  }

  get(conversationId: string, load: () => Promise<ConversationRecord | null>): Promise<ConversationRecord | null> {
    return this.cache.get(conversationId, load);
  }

  forget(conversationId: string): void {
    this.cache.forget(conversationId);
  }

  /** A message got `seq` on this instance: a cached record's last seq follows. */
  noteSeq(conversationId: string, seq: number): void {
    void this.cache.peek(conversationId)?.then(
      (record) => {
        if (record && record.lastSeq < seq) record.lastSeq = seq;
      },
      () => undefined,
    );
  }
}

function hasFixedOwner(record: ConversationRecord): boolean {
  return record.owner === null || record.owner.kind === 'user';
}
