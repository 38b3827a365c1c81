import { onDemand } from './on-demand';

describe('onDemand', () => {
  it('loads once for every caller, and is there synchronously once it came', async () => {
    const importModule = jest.fn(() => Promise.resolve({ name: 'module' }));
    const chunk = onDemand(importModule);
    expect(chunk.loaded()).toBeNull();
    const [first, second] = await Promise.all([chunk.load(), chunk.load()]);
    expect(first).toBe(second);
    expect(chunk.loaded()).toBe(first);
    expect(importModule).toHaveBeenCalledTimes(1);
  });

  it('asks again after a failed load (offline, a deployment that removed the chunk)', async () => {
    const importModule = jest.fn<Promise<{ name: string }>, []>().mockRejectedValueOnce(new Error('chunk failed')).mockResolvedValueOnce({ name: 'module' });
    const chunk = onDemand(importModule);
    await expect(chunk.load()).rejects.toThrow('chunk failed');
    expect(chunk.loaded()).toBeNull();
    await expect(chunk.load()).resolves.toEqual({ name: 'module' });
    expect(importModule).toHaveBeenCalledTimes(2);
  });
});
