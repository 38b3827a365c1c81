import type { ServerFrame } from '@confab/protocol';

const error = (message: string) => JSON.stringify({ event: 'error', data: { code: 'RATE_LIMIT', message } });
const message = (data: string, target: EventTarget | null) => ({ data, target }) as unknown as MessageEvent;

describe('createFrameReader', () => {
  it('reads frames that come before the validation module in order once it loads, skipping bad and replaced-socket frames', async () => {
    await jest.isolateModulesAsync(async () => {
      const { createFrameReader } = await import('./frame-reader');
      const { loadedWire, wireWhenLoaded } = await import('./load-wire');
      const oldSocket = new EventTarget();
      const socket = new EventTarget();
      let current: EventTarget = oldSocket;
      const read: ServerFrame[] = [];
      const onMessage = createFrameReader((frame) => read.push(frame), (target) => target !== current);

      expect(loadedWire()).toBeNull(); // nothing has asked for it in this module registry yet
      onMessage(message(error('stale'), oldSocket));
      current = socket; // reconnected before the module arrived: the old socket's frame is stale
      onMessage(message('{"event":"no-such-event"}', socket));
      onMessage(message('pong', socket)); // the heartbeat, not a frame
      onMessage(message(error('one'), socket));
      onMessage(message('{not json', socket));
      expect(read).toEqual([]);

      await wireWhenLoaded();
      await Promise.resolve();
      onMessage(message(error('two'), socket));
      expect(read.map((f) => (f.event === 'error' ? f.data.message : f.event))).toEqual(['one', 'two']);
    });
  });
});
