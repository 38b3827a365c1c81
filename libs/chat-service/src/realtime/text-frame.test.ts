import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './text-frame';

describe('textFrame: a broadcast frames its payload once', () => {
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('a real ws client reads a %i-byte text frame as the same text', async (size) => {
    const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);
    const payload = Buffer.from(text);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    const { port } = wss.address() as AddressInfo;
    // The server writes the prepared bytes straight to the TCP socket, as the hub does.
    wss.on('connection', (_ws, request) => request.socket.write(textFrame(payload)));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    try {
      const [data, isBinary] = (await once(client, 'message')) as [Buffer, boolean];
      expect(isBinary).toBe(false);
      expect(data.toString()).toBe(text);
    } finally {
      client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });

  it('encodes the length in 7, 16 or 64 bits as RFC 6455 says', () => {
    expect([...textFrame(Buffer.from('hi')).subarray(0, 2)]).toEqual([0x81, 2]);
    expect([...textFrame(Buffer.alloc(300)).subarray(0, 4)]).toEqual([0x81, 126, 0x01, 0x2c]);
    expect([...textFrame(Buffer.alloc(70_000)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]);
  });
});
