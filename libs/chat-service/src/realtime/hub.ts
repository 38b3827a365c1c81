import type { Identity, ServerFrame } from '@confab/protocol';
import type { Bus, BusHandler } from './bus';
import { identityKey, type ClientConnection } from './connection';

interface Room {
  connections: Set<ClientConnection>;
  handler: BusHandler;
}

/**
 * This instance's connections, grouped by conversation. Holds one bus subscription per
 * conversation with at least one local connection, and delivers each bus frame to them.
 */
export class ConversationHub {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly bus: Bus) {}

  join(connection: ClientConnection): void {
    const conversationId = connection.conversation.id;
    let room = this.rooms.get(conversationId);
    if (!room) {
      const connections = new Set<ClientConnection>();
      const handler: BusHandler = (frame) => deliver(connections, frame);
      room = { connections, handler };
      this.rooms.set(conversationId, room);
      this.bus.subscribe(conversationId, handler);
    }
    room.connections.add(connection);
  }

  leave(connection: ClientConnection): void {
    const conversationId = connection.conversation.id;
    const room = this.rooms.get(conversationId);
    if (!room || !room.connections.delete(connection)) return;
    if (room.connections.size === 0) {
      this.rooms.delete(conversationId);
      this.bus.unsubscribe(conversationId, room.handler);
    }
  }

  /** Whether the identity still has another connection here (to decide if its typing indicator must stop). */
  hasIdentity(conversationId: string, identity: Identity): boolean {
    const room = this.rooms.get(conversationId);
    if (!room) return false;
    const key = identityKey(identity);
    for (const connection of room.connections) if (connection.identity && identityKey(connection.identity) === key) return true;
    return false;
  }

  all(): ClientConnection[] {
    return [...this.rooms.values()].flatMap((room) => [...room.connections]);
  }
}

/** Typing frames skip every connection of the identity that is typing (its own tabs know already). */
function deliver(connections: Set<ClientConnection>, frame: ServerFrame): void {
  for (const connection of connections) {
    if (frame.event === 'typing') {
      const self = connection.identity;
      if (self && self.kind === frame.data.who.kind && self.id === frame.data.who.id) continue;
    }
    connection.send(frame);
  }
}
