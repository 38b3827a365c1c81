import { setTimeout as sleep } from 'node:timers/promises';
import { PRESENCE_NAMES_MAX, type Identity, type ServerFrameOf } from '@confab/protocol';
import { createLogger } from '../logger';
import { InProcessPresenceStore, mergePresence, PresenceBoard, samePresence, type MergedPresence, type PresencePart, type PresenceSocket, type PresenceStore } from './presence';

const person = (n: number, name = `Person ${String(n).padStart(2, '0')}`): Identity => ({ kind: 'user', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, display_name: name });

describe('merging every instance\'s part of a presence', () => {
  it('names each person once (tabs on two instances), by name, and adds up the guests', () => {
    const merged = mergePresence([
      { people: [person(2, 'Grace'), person(1, 'Ada')], guests: 1 },
      { people: [person(1, 'Ada'), person(3, 'Linus')], guests: 2 },
    ]);
    expect(merged).toEqual({ people: [person(1, 'Ada'), person(2, 'Grace'), person(3, 'Linus')], people_count: 3, guests: 3 });
  });

  it(`names at most ${PRESENCE_NAMES_MAX} people and counts them all`, () => {
    const many = Array.from({ length: PRESENCE_NAMES_MAX + 5 }, (_, i) => person(i + 1));
    const merged = mergePresence([{ people: many.slice(0, 15), guests: 0 }, { people: many.slice(15), guests: 0 }]);
    expect(merged.people).toHaveLength(PRESENCE_NAMES_MAX);
    expect(merged.people_count).toBe(PRESENCE_NAMES_MAX + 5);
    expect(merged.people[0]?.display_name).toBe('Person 01');
  });

  it('is empty when no instance has anyone', () => {
    expect(mergePresence([])).toEqual({ people: [], people_count: 0, guests: 0 });
  });

  it('tells a change from the same presence (a second tab of someone already here is no news)', () => {
    const before = mergePresence([{ people: [person(1, 'Ada')], guests: 0 }]);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada'), person(1, 'Ada')], guests: 0 }]))).toBe(true);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada')], guests: 1 }]))).toBe(false);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada Lovelace')], guests: 0 }]))).toBe(false);
  });
});

/**
 * The board against the in-process store (the default), wrapped where a test needs what Redis can
 * do to it: a lost counter, a failed save, a slow one, a refresh. `publish` stands for the bus,
 * and hands a frame back to the board (`seen`) as the hub does when it delivers one.
 */
describe('the presence board', () => {
  type Frame = ServerFrameOf<'presence'>;
  type Saved = PresencePart | null;

  class TestStore implements PresenceStore {
    inner = new InProcessPresenceStore();
    saves: Saved[] = [];
    delayMs = 0;
    failNext = 0;
    constructor(readonly refreshMs: number | null = null) {}
    async save(conversationId: string, part: Saved, floor: number): Promise<{ version: number; merged: MergedPresence }> {
      if (this.delayMs > 0) await sleep(this.delayMs);
      if (this.failNext > 0) {
        this.failNext -= 1;
        throw new Error('store unreachable');
      }
      this.saves.push(part);
      return this.inner.save(conversationId, part, floor);
    }
  }

  const boards: PresenceBoard[] = [];
  afterEach(async () => {
    await Promise.all(boards.splice(0).map((board) => board.stop()));
  });

  function boardWith(store: PresenceStore, bus: { lose: number } = { lose: 0 }): { board: PresenceBoard; delivered: Frame[] } {
    const delivered: Frame[] = [];
    const board: PresenceBoard = new PresenceBoard({
      store,
      publish: (_conversationId, frame) => {
        if (bus.lose > 0) {
          bus.lose -= 1;
          return;
        }
        delivered.push(frame);
        board.seen(frame);
      },
      log: createLogger('silent', 'test'),
    });
    boards.push(board);
    return { board, delivered };
  }

  const socketOf = (identity: Identity | null): PresenceSocket => ({ conversation: { id: 'c1', kind: 'post' }, identity, send: () => undefined });
  const until = async (what: string, check: () => boolean, ms = 3_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  };

  it('sends a presence again after the bus lost it (a refresh finds clients were never told)', async () => {
    const bus = { lose: 1 };
    const { board, delivered } = boardWith(new TestStore(150), bus);
    board.joined(socketOf(person(1, 'Ada')));
    await until('the lost presence sent again', () => delivered.some((frame) => frame.data.people_count === 1));
    expect(bus.lose).toBe(0);
  }, 10_000);

  it('keeps counting up from the versions clients hold when the store loses its counter (Redis restarted)', async () => {
    const store = new TestStore();
    const { board, delivered } = boardWith(store);
    board.joined(socketOf(person(1, 'Ada')));
    await until('Ada counted', () => delivered.length === 1);
    board.joined(socketOf(person(2, 'Grace')));
    await until('Grace counted', () => delivered.length === 2);
    const held = delivered[1]?.data.version ?? Number.NaN;
    store.inner = new InProcessPresenceStore(); // its counter starts again at 1
    board.joined(socketOf(person(3, 'Linus')));
    await until('Linus counted', () => delivered.length === 3);
    expect(delivered[2]?.data.version).toBeGreaterThan(held);
  }, 10_000);

  it('saves a departure again when its save failed, instead of leaving the person shown', async () => {
    const store = new TestStore(1_500); // refreshed after the departure's own save, not before it
    const { board } = boardWith(store);
    const ada = socketOf(person(1, 'Ada'));
    board.joined(ada);
    await until('Ada saved', () => store.saves.length === 1);
    store.failNext = 1;
    board.left(ada);
    await until('the departure tried', () => store.failNext === 0);
    await until('the departure saved', () => store.saves.at(-1) === null, 4_000);
  }, 10_000);

  it('saves nothing of its own after stop, even for a socket that closes while it stops', async () => {
    const store = new TestStore();
    const { board } = boardWith(store);
    const ada = socketOf(person(1, 'Ada'));
    board.joined(ada);
    board.joined(socketOf(person(2, 'Grace')));
    await until('both saved', () => store.saves.length === 1);
    await sleep(1_100); // a change now is saved after 50 ms, not a second after the last save
    store.delayMs = 120; // slower than the 50 ms a change waits for more
    const stopping = board.stop();
    board.left(ada); // its socket closes as the service stops
    await stopping;
    await sleep(1_300); // longer than any save it could still have scheduled
    expect(store.saves.at(-1)).toBeNull();
  }, 10_000);
});
