import { DeltaBatcher, shouldPersist } from './batching';

describe('DeltaBatcher', () => {
  it('publishes the first delta at once, then coalesces deltas within the interval', () => {
    const batcher = new DeltaBatcher(30);
    batcher.append('Hel');
    expect(batcher.msUntilDue(1000)).toBe(0);
    expect(batcher.take(1000)).toBe('Hel');
    batcher.append('lo');
    batcher.append(' world');
    expect(batcher.msUntilDue(1010)).toBe(20);
    expect(batcher.msUntilDue(1030)).toBe(0);
    expect(batcher.take(1030)).toBe('lo world');
    expect(batcher.hasPending).toBe(false);
    expect(batcher.take(1100)).toBeNull();
  });
});

describe('shouldPersist', () => {
  it('writes only changed content, at most once per interval', () => {
    expect(shouldPersist(1500, 1000, 10, 20, 1000)).toBe(false);
    expect(shouldPersist(2000, 1000, 10, 20, 1000)).toBe(true);
    expect(shouldPersist(5000, 1000, 20, 20, 1000)).toBe(false);
  });
});
