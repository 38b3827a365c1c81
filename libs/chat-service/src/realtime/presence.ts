import { PRESENCE_NAMES_MAX, type Identity, type PresenceData, type ServerFrameOf } from '@confab/protocol';
import type { Logger } from '../logger';
import type { ConversationRecord } from '../contracts';
import { identityKey } from './connection';

/** What the board reads of a socket (a `ClientConnection`). */
export interface PresenceSocket {
  readonly conversation: Pick<ConversationRecord, 'id' | 'kind'>;
  readonly identity: Identity | null;
  send(frame: ServerFrameOf<'presence'>): void;
}

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
  /**
   * Stores this instance's part (null: no socket here any more) and returns the merged presence,
   * with a version that orders it, above `floor` (the highest version this instance has seen): a
   * store that lost its counter (Redis restarted or flushed) must not start again below the
   * versions clients hold, which would make them ignore every frame after it.
   */
  save(conversationId: string, part: PresencePart | null, floor: number): Promise<{ version: number; merged: MergedPresence }>;
  /** How often parts must be saved again to stay counted (a crashed instance's part then lapses); null: never. */
  readonly refreshMs: number | null;
}

/** One instance: its part is the whole presence. */
export class InProcessPresenceStore implements PresenceStore {
  readonly refreshMs = null;
  private readonly versions = new Map<string, number>();

  async save(conversationId: string, part: PresencePart | null, floor: number): Promise<{ version: number; merged: MergedPresence }> {
    const version = Math.max(this.versions.get(conversationId) ?? 0, floor) + 1;
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
 * when it changes (at most once a second per conversation) and publishes the merged presence when
 * it differs from the last one delivered here. A socket that joins gets the last presence
 * delivered at once; the one that counts it follows.
 *
 * "Delivered", not "published": the bus may lose a frame (Redis pub/sub is at-most-once while a
 * subscriber reconnects), and a board that took its own frame as seen would never send that
 * presence again; compared with what came back, the next save or refresh sends it again.
 */
export class PresenceBoard {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly lastSeen = new Map<string, ServerFrameOf<'presence'>>();
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly lastSaved = new Map<string, number>();
  private readonly saving = new Map<string, Promise<void>>();
  /** Conversations whose next save publishes even an unchanged presence (`framesLost`). */
  private readonly republish = new Set<string>();
  private readonly refresh: NodeJS.Timeout | null;
  /** Set by `stop`: nothing is counted or saved after it, so no save can put back a part `stop` took away. */
  private stopped = false;

  constructor(private readonly deps: PresenceBoardDeps) {
    const refreshMs = deps.store.refreshMs;
    this.refresh = refreshMs === null ? null : setInterval(() => this.rooms.forEach((_, conversationId) => void this.save(conversationId)), refreshMs);
    this.refresh?.unref();
  }

  joined(connection: PresenceSocket): void {
    if (this.stopped || connection.conversation.kind !== 'post') return;
    const conversationId = connection.conversation.id;
    let room = this.rooms.get(conversationId);
    if (!room) this.rooms.set(conversationId, (room = new LocalRoom()));
    room.count(connection.identity, 1);
    const known = this.lastSeen.get(conversationId);
    if (known) connection.send(known);
    this.schedule(conversationId);
  }

  left(connection: PresenceSocket): void {
    const room = this.rooms.get(connection.conversation.id);
    if (this.stopped || !room) return;
    room.count(connection.identity, -1);
    this.schedule(connection.conversation.id);
  }

  /** A presence frame delivered here from the bus: the newest is what joiners get, and what a change is compared with. */
  seen(frame: ServerFrameOf<'presence'>): void {
    const known = this.lastSeen.get(frame.data.conversation_id);
    if (!known || known.data.version < frame.data.version) this.lastSeen.set(frame.data.conversation_id, frame);
  }

  /** The bus lost frames (a change among them, perhaps): every conversation here is saved and its presence published again. */
  framesLost(): void {
    for (const conversationId of this.rooms.keys()) {
      this.republish.add(conversationId);
      this.schedule(conversationId);
    }
  }

  /** Shutdown: this instance's parts are taken back at once, so the other instances' sockets stop counting ours. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refresh) clearInterval(this.refresh);
    this.scheduled.forEach((timer) => clearTimeout(timer));
    this.scheduled.clear();
    await Promise.all(this.saving.values());
    await Promise.all([...this.rooms.keys()].map((conversationId) => this.saveNow(conversationId, null)));
    this.rooms.clear();
  }

  private schedule(conversationId: string): void {
    if (this.stopped || this.scheduled.has(conversationId)) return;
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
    if (this.stopped) return;
    const running = this.saving.get(conversationId);
    if (running) return running.then(() => this.schedule(conversationId));
    const room = this.rooms.get(conversationId);
    const part = room && !room.empty ? room.part() : null;
    const done = this.saveNow(conversationId, part).finally(() => this.saving.delete(conversationId));
    this.saving.set(conversationId, done);
    return done;
  }

  private async saveNow(conversationId: string, part: PresencePart | null): Promise<void> {
    this.lastSaved.set(conversationId, Date.now());
    const known = this.lastSeen.get(conversationId);
    try {
      const { version, merged } = await this.deps.store.save(conversationId, part, known?.data.version ?? 0);
      if (!part) this.forgetIfEmpty(conversationId);
      const changed = !known || !samePresence(known.data, merged);
      const askedAgain = this.republish.delete(conversationId);
      if (changed || askedAgain) this.deps.publish(conversationId, { event: 'presence', data: { conversation_id: conversationId, version, ...merged } });
    } catch (error) {
      // The room stays (even empty): the refresh saves it again, and a change schedules a save.
      this.deps.log.warn({ err: error, conversationId }, 'could not save presence');
    }
  }

  /** Taken out of the store: nothing of the conversation is kept here, unless someone joined while it was saved. */
  private forgetIfEmpty(conversationId: string): void {
    const room = this.rooms.get(conversationId);
    if (room && !room.empty) return;
    this.rooms.delete(conversationId);
    this.lastSaved.delete(conversationId);
    this.lastSeen.delete(conversationId);
    this.republish.delete(conversationId);
  }
}
