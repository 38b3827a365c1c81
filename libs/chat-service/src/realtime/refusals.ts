import type { Duplex } from 'node:stream';
import type { ClientConnection } from './connection';

/** How the realtime service turns a client away, where no command handler is involved. */

/** Answers an upgrade request with a plain HTTP status (before any WebSocket exists). */
export function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  // Node removes its own error listener from an upgrading socket: a client resetting the connection
  // while this answer is written would otherwise be an uncaught error that ends the process.
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/**
 * A message arriving while this instance stops (its replies are being interrupted, its sockets about
 * to close) is not stored: no reply would be started for it, and stored and acked, it would stay
 * unanswered for good (a resend is a duplicate, which starts none). Refused as a failure of the
 * server's, the client keeps it and sends it again, to the instance it reconnects to.
 */
export function refuseWhileStopping(connection: ClientConnection, clientMessageId: string): void {
  connection.sendError({ code: 'INTERNAL_ERROR', message: 'The server is restarting. Your message will be sent again in a moment.', client_message_id: clientMessageId });
}
