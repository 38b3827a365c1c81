import { CoalescedReads } from './coalesced-reads';
import { LastSeqs } from './last-seqs';
import { TtlCache } from './ttl-cache';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TtlCache', () => {
  it('shares one load between concurrent callers and reuses it until the TTL ends', async () => {
    const cache = new TtlCache<string | null>(1_000, 10, (v) => v !== null);
    let loads = 0;
    const load = async (): Promise<string> => `v${++loads}`;
    expect(await Promise.all([cache.get('k', load, 0), cache.get('k', load, 0)])).toEqual(['v1', 'v1']);
    expect(await cache.get('k', load, 999)).toBe('v1');
    expect(await cache.get('k', load, 1_000)).toBe('v2');
  });

  it('does not keep values `keep` refuses, nor failures', async () => {
    const cache = new TtlCache<string | null>(1_000, 10, (v) => v !== null);
    expect(await cache.get('k', async () => null, 0)).toBeNull();
    expect(cache.size).toBe(0);
    await expect(cache.get('k', () => Promise.reject(new Error('db down')), 0)).rejects.toThrow('db down');
    expect(cache.size).toBe(0);
  });

  it('forgets on request (a load already running does not come back) and evicts the oldest over the bound', async () => {
    const cache = new TtlCache<string>(1_000, 2, () => true);
    const slow = deferred<string>();
    const pending = cache.get('a', () => slow.promise, 0);
    cache.forget('a');
    slow.resolve('old');
    await pending;
    expect(cache.peek('a')).toBeUndefined();
    await cache.get('a', async () => 'a', 0);
    await cache.get('b', async () => 'b', 0);
    await cache.get('c', async () => 'c', 0);
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});

describe('CoalescedReads', () => {
  it('never hands a caller a query that started before it asked; callers waiting together share the next one', async () => {
    const reads = new CoalescedReads<number>();
    const queries: Array<{ resolve: (value: number) => void }> = [];
    const load = (): Promise<number> => {
      const d = deferred<number>();
      queries.push(d);
      return d.promise;
    };
    const first = reads.read('c', load);
    const second = reads.read('c', load);
    const third = reads.read('c', load);
    expect(queries).toHaveLength(1);
    queries[0]!.resolve(1);
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(queries).toHaveLength(2);
    queries[1]!.resolve(2);
    expect(await Promise.all([second, third])).toEqual([2, 2]);
  });

  it('passes a failure to its callers and still serves the next ones', async () => {
    const reads = new CoalescedReads<number>();
    await expect(reads.read('c', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await reads.read('c', async () => 7)).toBe(7);
  });
});

describe('LastSeqs', () => {
  it('keeps the highest seq noted and a bounded number of conversations', () => {
    const seqs = new LastSeqs(2);
    seqs.note('a', 5);
    seqs.note('a', 3);
    expect(seqs.get('a')).toBe(5);
    seqs.note('b', 1);
    seqs.note('c', 1);
    expect(seqs.get('a')).toBeUndefined();
    expect(seqs.get('c')).toBe(1);
  });
});
