/**
 * One complete, unmasked WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, no extensions) around
 * an already-encoded UTF-8 payload. A broadcast frames its payload once and writes the same bytes
 * to every socket of the room: one `write` per socket instead of ws framing each send (a header
 * allocation, cork, a two-buffer writev). Valid only without permessage-deflate, which this
 * server does not negotiate (see `wss` in service.ts).
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + text
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}
