import { PRESENCE_NAMES_MAX, type Identity, type PresenceData, type ServerFrameOf } from '@confab/protocol';
import type { Logger } from '../logger';
import { identityKey, type ClientConnection } from './connection';

/**
 * Who has a post's shared conversation open. Each instance counts its own sockets; a
 * `PresenceStore` keeps every instance's part and merges them (in this process, or in Redis with
 * several instances: `presence-redis.ts`), and the merged presence goes to every socket of the
 * conversation as a `presence` frame through the bus. Threads (one person's) have none.
 */

/** One instance's part of a conversation's presence. */
export interface PresencePart {
  /** Signed-in people with a socket here, each once. */
  people: Identity[];
  /** Visitors with a socket here (each once), plus sockets with no session. */
  guests: number;
}

export type MergedPresence = Omit<PresenceData, 'conversation_id' | 'version'>;

/** The conversation's presence from every instance's part: each person once, named by name, at most PRESENCE_NAMES_MAX. */
export function mergePresence(parts: readonly PresencePart[]): MergedPresence {
  const people = new Map<string, Identity>();
  for (const part of parts) for (const person of part.people) people.set(identityKey(person), person);
  const named = [...people.values()].sort((a, b) => a.display_name.localeCompare(b.display_name) || a.id.localeCompare(b.id));
  return { people: named.slice(0, PRESENCE_NAMES_MAX), people_count: named.length, guests: parts.reduce((sum, part) => sum + part.guests, 0) };
}

export const samePresence = (a: MergedPresence, b: MergedPresence): boolean =>
  a.people_count === b.people_count && a.guests === b.guests && a.people.length === b.people.length && a.people.every((person, i) => identityKey(person) === identityKey(b.people[i] as Identity) && person.display_name === b.people[i]?.display_name);

/** Where the instances' parts are kept. */
export interface PresenceStore {
  /** Stores this instance's part (null: no socket here any more) and returns the merged presence, with a version that orders it. */
  save(conversationId: string, part: PresencePart | null): Promise<{ version: number; merged: MergedPresence }>;
  /** How often parts must be saved again to stay counted (a crashed instance's part then lapses); null: never. */
  readonly refreshMs: number | null;
}

/** One instance: its part is the whole presence. */
export class InProcessPresenceStore implements PresenceStore {
  readonly refreshMs = null;
  private readonly versions = new Map<string, number>();

  async save(conversationId: string, part: PresencePart | null): Promise<{ version: number; merged: MergedPresence }> {
    const version = (this.versions.get(conversationId) ?? 0) + 1;
    if (part) this.versions.set(conversationId, version);
    else this.versions.delete(conversationId);
    return { version, merged: mergePresence(part ? [part] : []) };
  }
}

/** This instance's sockets of one conversation, by who they are. */
class LocalRoom {
  readonly people = new Map<string, { identity: Identity; sockets: number }>();
  readonly visitors = new Map<string, number>();
  anonymous = 0;

  count(identity: Identity | null, delta: 1 | -1): void {
    if (!identity) {
      this.anonymous += delta;
      return;
    }
    const key = identityKey(identity);
    if (identity.kind === 'visitor') {
      const sockets = (this.visitors.get(key) ?? 0) + delta;
      if (sockets > 0) this.visitors.set(key, sockets);
      else this.visitors.delete(key);
      return;
    }
    const sockets = (this.people.get(key)?.sockets ?? 0) + delta;
    if (sockets > 0) this.people.set(key, { identity, sockets });
    else this.people.delete(key);
  }

  get empty(): boolean {
    return this.people.size === 0 && this.visitors.size === 0 && this.anonymous === 0;
  }

  part(): PresencePart {
    return { people: [...this.people.values()].map(({ identity }) => identity), guests: this.visitors.size + this.anonymous };
  }
}

export interface PresenceBoardDeps {
  store: PresenceStore;
  publish: (conversationId: string, frame: ServerFrameOf<'presence'>) => void;
  log: Logger;
}

/** Changes of one conversation are saved at most once per this interval (a burst of joins is one frame). */
const INTERVAL_MS = 1_000;
/** A change waits this long for more (the rest of a burst), when the last save was long enough ago. */
const COALESCE_MS = 50;

/**
 * This instance's presence bookkeeping: counts its sockets per post conversation, saves its part
 * when it changes (at most once a second per conversation) and publishes the merged
 * presence when it differs from the last one seen. A socket that joins gets the last presence
 * seen at once; the one that counts it follows.
 */
export class PresenceBoard {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly lastSeen = new Map<string, ServerFrameOf<'presence'>>();
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly lastSaved = new Map<string, number>();
  private readonly saving = new Map<string, Promise<void>>();
  private readonly refresh: NodeJS.Timeout | null;

  constructor(private readonly deps: PresenceBoardDeps) {
    const refreshMs = deps.store.refreshMs;
    this.refresh = refreshMs === null ? null : setInterval(() => this.rooms.forEach((_, conversationId) => void this.save(conversationId)), refreshMs);
    this.refresh?.unref();
  }

  joined(connection: ClientConnection): void {
    if (connection.conversation.kind !== 'post') return;
    const conversationId = connection.conversation.id;
    let room = this.rooms.get(conversationId);
    if (!room) this.rooms.set(conversationId, (room = new LocalRoom()));
    room.count(connection.identity, 1);
    const known = this.lastSeen.get(conversationId);
    if (known) connection.send(known);
    this.schedule(conversationId);
  }

  left(connection: ClientConnection): void {
    const room = this.rooms.get(connection.conversation.id);
    if (!room) return;
    room.count(connection.identity, -1);
    this.schedule(connection.conversation.id);
  }

  /** A presence frame delivered here from the bus: the newest is what joiners get, and what a change is compared with. */
  seen(frame: ServerFrameOf<'presence'>): void {
    const known = this.lastSeen.get(frame.data.conversation_id);
    if (!known || known.data.version < frame.data.version) this.lastSeen.set(frame.data.conversation_id, frame);
  }

  /** Shutdown: this instance's parts are taken back at once, so the other instances' sockets stop counting ours. */
  async stop(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    this.scheduled.forEach((timer) => clearTimeout(timer));
    this.scheduled.clear();
    await Promise.all(this.saving.values());
    await Promise.all([...this.rooms.keys()].map((conversationId) => this.saveNow(conversationId, null)));
    this.rooms.clear();
  }

  private schedule(conversationId: string): void {
    if (this.scheduled.has(conversationId)) return;
    const sinceLast = Date.now() - (this.lastSaved.get(conversationId) ?? 0);
    const timer = setTimeout(() => {
      this.scheduled.delete(conversationId);
      void this.save(conversationId);
    }, Math.max(COALESCE_MS, INTERVAL_MS - sinceLast));
    timer.unref();
    this.scheduled.set(conversationId, timer);
  }

  /** One save at a time per conversation: a change during a save is saved after it. */
  private async save(conversationId: string): Promise<void> {
    const running = this.saving.get(conversationId);
    if (running) return running.then(() => this.schedule(conversationId));
    const room = this.rooms.get(conversationId);
    const part = room && !room.empty ? room.part() : null;
    if (!part) this.rooms.delete(conversationId);
    const done = this.saveNow(conversationId, part).finally(() => this.saving.delete(conversationId));
    this.saving.set(conversationId, done);
    return done;
  }

  private async saveNow(conversationId: string, part: PresencePart | null): Promise<void> {
    this.lastSaved.set(conversationId, Date.now());
    try {
      const { version, merged } = await this.deps.store.save(conversationId, part);
      const known = this.lastSeen.get(conversationId);
      const frame: ServerFrameOf<'presence'> = { event: 'presence', data: { conversation_id: conversationId, version, ...merged } };
      if (part) this.seen(frame);
      else {
        this.lastSaved.delete(conversationId);
        this.lastSeen.delete(conversationId);
      }
      if (!known || !samePresence(known.data, merged)) this.deps.publish(conversationId, frame);
    } catch (error) {
      this.deps.log.warn({ err: error, conversationId }, 'could not save presence');
    }
  }
}
