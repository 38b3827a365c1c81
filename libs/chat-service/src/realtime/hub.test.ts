import type { Identity, ServerFrame } from '@confab/protocol';
import type { ConversationRecord, Principal } from '../contracts';
import { InProcessBus } from './bus';
import type { ClientConnection } from './connection';
import { ConversationHub } from './hub';

const conversation = { id: 'conv-1' } as ConversationRecord;
const ada: Identity = { kind: 'user', id: 'u-ada', display_name: 'Ada' };
const bob: Identity = { kind: 'user', id: 'u-bob', display_name: 'Bob' };

interface FakeConnection {
  connection: ClientConnection;
  writes: Buffer[];
}

/** Only what the hub touches: conversation, identity, writeFramed, takesDeltaOnly. */
function fake(identity: Identity | null, repliesWithText: string[] = [], canWrite = identity !== null): FakeConnection {
  const writes: Buffer[] = [];
  const principal: Principal | null = identity ? { identity, sessionId: `s-${identity.id}`, sessionExpiresAt: Infinity } : null;
  const connection = {
    conversation,
    principal,
    identity: principal?.identity ?? null,
    canWrite,
    writeFramed: (_frame: ServerFrame, framed: Buffer) => writes.push(framed) > 0,
    takesDeltaOnly: (messageId: string) => repliesWithText.includes(messageId),
  } as unknown as ClientConnection;
  return { connection, writes };
}

/** The JSON in one unmasked text frame (7-bit or 16-bit payload length). */
function payload(bytes: Buffer | undefined): unknown {
  const frame = bytes ?? Buffer.from([0x81, 0]);
  return JSON.parse(frame.subarray((frame[1] ?? 0) === 126 ? 4 : 2).toString());
}

it('sends a reply text only to sockets that lack it; the others get the delta at its offset', () => {
  const bus = new InProcessBus();
  const hub = new ConversationHub(bus);
  const watching = fake(ada, ['m-1']);
  const joined = fake(bob);
  for (const s of [watching, joined]) hub.join(s.connection);
  const data = { message_id: 'm-1', conversation_id: conversation.id, seq: 4, delta: ' world', offset: 5, content: 'Hello world' };
  bus.publish(conversation.id, { event: 'stream', data });
  expect(payload(joined.writes[0])).toEqual({ event: 'stream', data });
  expect(payload(watching.writes[0])).toEqual({ event: 'stream', data: { message_id: 'm-1', conversation_id: conversation.id, seq: 4, delta: ' world', offset: 5 } });
});

it('frames a broadcast once, hands every socket the same bytes and reports how many got it', () => {
  const bus = new InProcessBus();
  const reports: Array<[string, number]> = [];
  const hub = new ConversationHub(bus, (frame, sockets) => reports.push([frame.event, sockets]));
  const sockets = [fake(ada), fake(bob), fake(null)];
  for (const s of sockets) hub.join(s.connection);
  const frame: ServerFrame = { event: 'pong', data: {} };
  bus.publish(conversation.id, frame);
  const framed = sockets.map((s) => s.writes[0]);
  expect(framed.every((p) => p === framed[0])).toBe(true);
  const bytes = framed[0] ?? Buffer.alloc(0);
  expect(bytes[0]).toBe(0x81); // one final text frame
  expect(JSON.parse(bytes.subarray(2).toString())).toEqual(frame);
  expect(reports).toEqual([['pong', 3]]);
});

it('skips the typist on typing frames and tracks who is still here', () => {
  const bus = new InProcessBus();
  const hub = new ConversationHub(bus);
  const adaTab1 = fake(ada);
  const adaTab2 = fake(ada);
  const bobTab = fake(bob);
  for (const s of [adaTab1, adaTab2, bobTab]) hub.join(s.connection);
  bus.publish(conversation.id, { event: 'typing', data: { conversation_id: conversation.id, who: ada, state: 'start' } });
  expect([adaTab1.writes.length, adaTab2.writes.length, bobTab.writes.length]).toEqual([0, 0, 1]);

  hub.leave(adaTab1.connection);
  expect(hub.hasIdentity(conversation.id, ada)).toBe(true);
  hub.leave(adaTab2.connection);
  expect(hub.hasIdentity(conversation.id, ada)).toBe(false);
  expect(hub.hasIdentity(conversation.id, bob)).toBe(true);
});

it('tells only those who can write that a question went unanswered (a reader of a post has nothing to ask again)', () => {
  const bus = new InProcessBus();
  const hub = new ConversationHub(bus);
  const writer = fake(ada);
  const reader = fake(null);
  const signedInReader = fake(bob, [], false);
  for (const s of [writer, reader, signedInReader]) hub.join(s.connection);
  bus.publish(conversation.id, { event: 'unanswered', data: { message_id: '11111111-1111-4111-8111-111111111111' } });
  expect([writer.writes.length, reader.writes.length, signedInReader.writes.length]).toEqual([1, 0, 0]);
});
