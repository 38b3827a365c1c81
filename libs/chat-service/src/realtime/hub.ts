import { CloseCode, type Identity, type ServerFrame, type ServerFrameOf } from '@confab/protocol';
import type { Bus, BusHandler } from './bus';
import { identityKey, type ClientConnection } from './connection';
import { textFrame } from './text-frame';

/** Told once per broadcast how many local sockets got the frame (metrics). */
export type DeliveredHook = (frame: ServerFrame, sockets: number) => void;

interface Room {
  connections: Set<ClientConnection>;
  /** Open connections per identity key: whether someone is still here is O(1), even with thousands of sockets. */
  identities: Map<string, number>;
  handler: BusHandler;
}

/**
 * This instance's connections, grouped by conversation. Holds one bus subscription per
 * conversation with at least one local connection, and delivers each bus frame to them.
 */
export class ConversationHub {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly bus: Bus,
    private readonly delivered: DeliveredHook = () => undefined,
  ) {
    // A lost `stream` frame would leave a gap in a reply's deltas: the next frame carries its text.
    bus.onFramesLost?.(() => this.all().forEach((connection) => connection.forgetReplyTexts()));
  }

  join(connection: ClientConnection): void {
    const conversationId = connection.conversation.id;
    let room = this.rooms.get(conversationId);
    if (!room) {
      const connections = new Set<ClientConnection>();
      const handler: BusHandler = (frame) => {
        this.delivered(frame, deliver(connections, frame));
        if (endsConversation(frame)) for (const connection of [...connections]) connection.close(CloseCode.NOT_FOUND, 'Conversation ended');
      };
      room = { connections, identities: new Map(), handler };
      this.rooms.set(conversationId, room);
      this.bus.subscribe(conversationId, handler);
    }
    if (room.connections.has(connection)) return;
    room.connections.add(connection);
    countIdentity(room, connection, 1);
  }

  leave(connection: ClientConnection): void {
    const conversationId = connection.conversation.id;
    const room = this.rooms.get(conversationId);
    if (!room || !room.connections.delete(connection)) return;
    countIdentity(room, connection, -1);
    if (room.connections.size === 0) {
      this.rooms.delete(conversationId);
      this.bus.unsubscribe(conversationId, room.handler);
    }
  }

  /** Whether the identity still has another connection here (to decide if its typing indicator must stop). */
  hasIdentity(conversationId: string, identity: Identity): boolean {
    return (this.rooms.get(conversationId)?.identities.get(identityKey(identity)) ?? 0) > 0;
  }

  all(): ClientConnection[] {
    return [...this.rooms.values()].flatMap((room) => [...room.connections]);
  }
}

/**
 * The frame that ends a conversation for everyone in it (a deleted thread). Errors are otherwise
 * sent to one connection, never published: a NOT_FOUND published to a conversation is this signal,
 * and each instance closes its connections to it after writing it.
 */
export function conversationEndedFrame(message: string): ServerFrameOf<'error'> {
  return { event: 'error', data: { code: 'NOT_FOUND', message } };
}

function endsConversation(frame: ServerFrame): boolean {
  return frame.event === 'error' && frame.data.code === 'NOT_FOUND';
}

function countIdentity(room: Room, connection: ClientConnection, delta: 1 | -1): void {
  if (!connection.identity) return;
  const key = identityKey(connection.identity);
  const count = (room.identities.get(key) ?? 0) + delta;
  if (count > 0) room.identities.set(key, count);
  else room.identities.delete(key);
}

/**
 * Serializes and frames the frame once for the whole room (not once per socket): with thousands of
 * sockets, JSON, UTF-8 encoding and WebSocket framing would otherwise dominate a broadcast; each
 * socket gets one write of the same bytes (of one of two forms, for a `stream` frame). The frame
 * was validated where it entered (built by this service, or parsed from Redis), so nothing is
 * checked per socket here. Typing frames skip every connection of the identity that is typing (its
 * own tabs know already); `unanswered` frames, every connection that cannot write. Returns the sockets written.
 */
function deliver(connections: Set<ClientConnection>, frame: ServerFrame): number {
  const framed = onceLazy(() => textFrame(Buffer.from(JSON.stringify(frame))));
  const deltaOnly = frame.event === 'stream' ? onceLazy(() => textFrame(Buffer.from(JSON.stringify(withoutText(frame))))) : null;
  const typist = frame.event === 'typing' ? frame.data.who : null;
  let written = 0;
  for (const connection of connections) {
    if (typist !== null && isIdentity(connection.identity, typist)) continue;
    // Only a writer can have a question to ask again (a post's readers are told nothing of it).
    if (frame.event === 'unanswered' && !connection.canWrite) continue;
    // A socket that has the reply's text so far gets the delta alone (see StreamData).
    const bytes = deltaOnly && frame.event === 'stream' && connection.takesDeltaOnly(frame.data.message_id) ? deltaOnly() : framed();
    if (connection.writeFramed(frame, bytes)) written += 1;
  }
  return written;
}

function withoutText(frame: ServerFrameOf<'stream'>): ServerFrameOf<'stream'> {
  const { message_id, conversation_id, seq, delta, offset } = frame.data;
  return { event: 'stream', data: { message_id, conversation_id, seq, delta, offset } };
}

function onceLazy<T>(make: () => T): () => T {
  let value: { made: T } | null = null;
  return () => (value ??= { made: make() }).made;
}

function isIdentity(identity: Identity | null, other: Identity): boolean {
  return identity !== null && identity.kind === other.kind && identity.id === other.id;
}
