import { OUTBOX_CAPACITY } from '@confab/protocol';
import { wireWhenLoaded } from './load-wire';
import type { OutboxEntry } from './message-list';

/**
 * Messages written but not yet acknowledged, per conversation, FIFO, at most `capacity`.
 * Kept in sessionStorage so a reload does not lose what someone wrote while offline:
 * - sessionStorage is per tab, so two tabs of one conversation never both resend the same queue;
 * - what a previous page load stored is read back once the validation module has loaded
 *   (`ready`, which resolves before the first socket can open: the ticket waits for the same
 *   module, and a failed load is retried with the connection); entries added before that are
 *   kept in memory (`isPersisted()` is false meanwhile), written after the restored ones, and
 *   nothing stored is overwritten;
 * - entries leave only when acknowledged (or failed for good); resending after an uncertain
 *   disconnect is safe because the server is idempotent on client_message_id.
 * When storage is unavailable (SSR, privacy mode, quota) the outbox keeps working in memory.
 */

export type { OutboxEntry };

/** The part of the Web Storage API the outbox uses (sessionStorage, or a fake in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export type OutboxAddResult = { ok: true } | { ok: false; reason: string };

export interface Outbox {
  readonly capacity: number;
  entries(): readonly OutboxEntry[];
  size(): number;
  isFull(): boolean;
  has(clientMessageId: string): boolean;
  add(entry: OutboxEntry): OutboxAddResult;
  /** Returns whether an entry was removed. */
  remove(clientMessageId: string): boolean;
  /** Whether the last write reached storage (false: in memory only, lost on reload). */
  isPersisted(): boolean;
  /** Resolves when what a previous page load stored has been read back (or found unusable). */
  readonly ready: Promise<void>;
}

export const outboxStorageKey = (conversationId: string): string => `confab:outbox:${conversationId}`;

export const outboxFullReason = (capacity: number): string =>
  `${capacity} messages are already waiting to be sent. Wait until you are back online, then try again.`;

export function createOutbox(
  conversationId: string,
  storage: KeyValueStorage | null,
  capacity: number = OUTBOX_CAPACITY,
): Outbox {
  const key = outboxStorageKey(conversationId);
  let entries: OutboxEntry[] = [];
  let persisted = storage !== null;
  const raw = readStored(storage, key);
  // Nothing stored (the usual case): the outbox is whole at once.
  let restored = raw === null;

  const save = (): void => {
    // Until the stored entries are read back, writing would overwrite them.
    if (storage === null || !restored) return;
    try {
      if (entries.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(entries));
      persisted = true;
    } catch {
      // Quota exceeded or storage disabled: keep going in memory rather than refuse to send.
      persisted = false;
    }
  };

  const ready =
    raw === null || storage === null
      ? Promise.resolve()
      : parseStored(storage, key, raw).then((stored) => {
          const fresh = entries.filter((e) => !stored.some((s) => s.client_message_id === e.client_message_id));
          entries = [...stored.slice(0, capacity), ...fresh];
          restored = true;
          if (fresh.length > 0) save();
        });

  return {
    capacity,
    ready,
    entries: () => entries,
    size: () => entries.length,
    isFull: () => entries.length >= capacity,
    has: (id) => entries.some((e) => e.client_message_id === id),
    add(entry) {
      if (entries.some((e) => e.client_message_id === entry.client_message_id)) return { ok: true };
      if (entries.length >= capacity) return { ok: false, reason: outboxFullReason(capacity) };
      entries = [...entries, entry];
      save();
      return { ok: true };
    },
    remove(id) {
      const next = entries.filter((e) => e.client_message_id !== id);
      if (next.length === entries.length) return false;
      entries = next;
      save();
      return true;
    },
    isPersisted: () => persisted && restored,
  };
}

function readStored(storage: KeyValueStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

async function parseStored(storage: KeyValueStorage, key: string, raw: string): Promise<OutboxEntry[]> {
  // Waits for the validation module however long it takes (it loads with the connection): giving up
  // here would let the next write overwrite what the last page load left unsent.
  const { StoredOutbox } = await wireWhenLoaded();
  try {
    const parsed = StoredOutbox.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    storage.removeItem(key); // written by an incompatible version: unusable, do not resend garbage
    return [];
  } catch {
    return [];
  }
}

/** sessionStorage when there is one and it can be touched (it throws in some sandboxed frames). */
export function defaultOutboxStorage(): KeyValueStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
