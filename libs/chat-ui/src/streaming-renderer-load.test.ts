/** @jest-environment jsdom */

describe('loading the streaming-reply renderer', () => {
  afterEach(() => {
    jest.dontMock('./streaming-reply');
    jest.resetModules();
  });

  it('tries again after a failed load, instead of keeping every later reply as plain text', async () => {
    jest.resetModules();
    jest.doMock('./streaming-reply', () => {
      throw new Error('chunk failed to load');
    });
    const { loadStreamingRenderer } = await import('./MessageItem');
    await expect(loadStreamingRenderer()).rejects.toThrow('chunk failed to load');

    jest.dontMock('./streaming-reply');
    const loaded = await loadStreamingRenderer();
    expect(typeof loaded.createStreamingView).toBe('function');
  });
});
