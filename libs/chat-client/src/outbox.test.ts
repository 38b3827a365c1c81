import { OUTBOX_CAPACITY } from '@confab/protocol';
import { createOutbox, outboxStorageKey, type KeyValueStorage, type OutboxEntry } from './outbox';

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  failWrites = false;
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

const CONVERSATION = '11111111-1111-4111-8111-111111111111';
const entry = (n: number): OutboxEntry => ({
  client_message_id: `client-msg-${String(n).padStart(4, '0')}`,
  content: `message ${n}`,
  created_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
});

describe('outbox', () => {
  it('keeps entries in the order they were written (FIFO)', () => {
    const outbox = createOutbox(CONVERSATION, new MemoryStorage());
    [1, 2, 3].forEach((n) => outbox.add(entry(n)));
    expect(outbox.entries().map((e) => e.content)).toEqual(['message 1', 'message 2', 'message 3']);
  });

  it(`holds at most ${OUTBOX_CAPACITY} and refuses the next with words instead of dropping one`, () => {
    const outbox = createOutbox(CONVERSATION, new MemoryStorage());
    for (let n = 0; n < OUTBOX_CAPACITY; n += 1) expect(outbox.add(entry(n))).toEqual({ ok: true });
    expect(outbox.isFull()).toBe(true);
    const refused = outbox.add(entry(OUTBOX_CAPACITY));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/100 messages are already waiting/);
    expect(outbox.size()).toBe(OUTBOX_CAPACITY);
    expect(outbox.entries()[0]).toEqual(entry(0)); // the oldest is still there
  });

  it('does not duplicate an entry added twice (a retry of the same client_message_id)', () => {
    const outbox = createOutbox(CONVERSATION, new MemoryStorage());
    outbox.add(entry(1));
    outbox.add(entry(1));
    expect(outbox.size()).toBe(1);
  });

  it('removes only the acknowledged entry', () => {
    const outbox = createOutbox(CONVERSATION, new MemoryStorage());
    [1, 2, 3].forEach((n) => outbox.add(entry(n)));
    expect(outbox.remove(entry(2).client_message_id)).toBe(true);
    expect(outbox.remove('not-in-there')).toBe(false);
    expect(outbox.entries().map((e) => e.client_message_id)).toEqual([entry(1).client_message_id, entry(3).client_message_id]);
  });

  it('survives a reload: a new outbox over the same storage has the same entries in order', async () => {
    const storage = new MemoryStorage();
    const before = createOutbox(CONVERSATION, storage);
    [1, 2, 3].forEach((n) => before.add(entry(n)));
    before.remove(entry(1).client_message_id);
    const after = createOutbox(CONVERSATION, storage);
    await after.ready;
    expect(after.entries()).toEqual([entry(2), entry(3)]);
  });

  it('an entry added before the stored ones are read back goes after them, and nothing stored is overwritten', async () => {
    const storage = new MemoryStorage();
    createOutbox(CONVERSATION, storage).add(entry(1));
    const reloaded = createOutbox(CONVERSATION, storage);
    reloaded.add(entry(2));
    await reloaded.ready;
    expect(reloaded.entries()).toEqual([entry(1), entry(2)]);
    expect(createOutbox(CONVERSATION, storage).entries()).toEqual([]); // still being read back
    const again = createOutbox(CONVERSATION, storage);
    await again.ready;
    expect(again.entries()).toEqual([entry(1), entry(2)]);
  });

  it('is per conversation', () => {
    const storage = new MemoryStorage();
    createOutbox(CONVERSATION, storage).add(entry(1));
    expect(createOutbox('22222222-2222-4222-8222-222222222222', storage).size()).toBe(0);
  });

  it('clears the storage key when it empties', () => {
    const storage = new MemoryStorage();
    const outbox = createOutbox(CONVERSATION, storage);
    outbox.add(entry(1));
    expect(storage.data.has(outboxStorageKey(CONVERSATION))).toBe(true);
    outbox.remove(entry(1).client_message_id);
    expect(storage.data.has(outboxStorageKey(CONVERSATION))).toBe(false);
  });

  it('when the validation module fails to load (offline), overwrites nothing stored and restores once it loads', async () => {
    const storage = new MemoryStorage();
    createOutbox(CONVERSATION, storage).add(entry(1));
    const stored = (): unknown => JSON.parse(storage.getItem(outboxStorageKey(CONVERSATION)) ?? 'null');
    await jest.isolateModulesAsync(async () => {
      let offline = true;
      jest.doMock('./wire', () => {
        if (offline) throw new Error('Loading chunk failed');
        return jest.requireActual('./wire');
      });
      const fresh = await import('./outbox');
      const { loadWire } = await import('./load-wire');
      const reloaded = fresh.createOutbox(CONVERSATION, storage);
      expect(reloaded.add(entry(2))).toEqual({ ok: true });
      await expect(loadWire()).rejects.toThrow('Loading chunk failed');
      expect(reloaded.isPersisted()).toBe(false);
      expect(stored()).toEqual([entry(1)]);
      offline = false;
      await loadWire(); // the connection's next attempt
      await reloaded.ready;
      expect(reloaded.entries()).toEqual([entry(1), entry(2)]);
      expect(stored()).toEqual([entry(1), entry(2)]);
      expect(reloaded.isPersisted()).toBe(true);
    });
  });

  it('ignores (and clears) stored data that does not validate', async () => {
    const storage = new MemoryStorage();
    storage.setItem(outboxStorageKey(CONVERSATION), JSON.stringify([{ client_message_id: 'bad id!', content: 1 }]));
    const invalid = createOutbox(CONVERSATION, storage);
    await invalid.ready;
    expect(invalid.size()).toBe(0);
    expect(storage.data.has(outboxStorageKey(CONVERSATION))).toBe(false);
    storage.setItem(outboxStorageKey(CONVERSATION), '{not json');
    const notJson = createOutbox(CONVERSATION, storage);
    await notJson.ready;
    expect(notJson.size()).toBe(0);
  });

  it('keeps working in memory when storage refuses writes', () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const outbox = createOutbox(CONVERSATION, storage);
    expect(outbox.add(entry(1))).toEqual({ ok: true });
    expect(outbox.size()).toBe(1);
    expect(outbox.isPersisted()).toBe(false);
  });

  it('works without any storage', () => {
    const outbox = createOutbox(CONVERSATION, null, 2);
    outbox.add(entry(1));
    outbox.add(entry(2));
    expect(outbox.add(entry(3)).ok).toBe(false);
  });
});
