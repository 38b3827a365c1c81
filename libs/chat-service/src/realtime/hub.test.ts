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
  writes: Array<string | Buffer>;
}

/** Only what the hub touches: conversation, identity, write. */
function fake(identity: Identity | null): FakeConnection {
  const writes: Array<string | Buffer> = [];
  const principal: Principal | null = identity ? { identity, sessionId: `s-${identity.id}`, sessionExpiresAt: Infinity } : null;
  const connection = {
    conversation,
    principal,
    identity: principal?.identity ?? null,
    write: (_frame: ServerFrame, payload: string | Buffer) => writes.push(payload),
  } as unknown as ClientConnection;
  return { connection, writes };
}

it('serializes a broadcast once and hands every socket the same bytes', () => {
  const bus = new InProcessBus();
  const hub = new ConversationHub(bus);
  const sockets = [fake(ada), fake(bob), fake(null)];
  for (const s of sockets) hub.join(s.connection);
  const frame: ServerFrame = { event: 'pong', data: {} };
  bus.publish(conversation.id, frame);
  const payloads = sockets.map((s) => s.writes[0]);
  expect(payloads[0]).toBeInstanceOf(Buffer);
  expect(payloads.every((p) => p === payloads[0])).toBe(true);
  expect(JSON.parse(String(payloads[0]))).toEqual(frame);
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
