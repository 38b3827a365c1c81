import type { ClientFrame } from '@confab/protocol';
import { createConversationController } from './controller';
import { loadWire } from './load-wire';
import { createOutbox } from './outbox';
import { createInitialState } from './reducer';
import { createConversationStore } from './store';
import { CONVERSATION_ID, frames, message } from './test-fixtures';

beforeAll(() => loadWire());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a ticket loop left waiting by a reconnect (back online) does not write "reconnecting" over the new socket', async () => {
  const store = createConversationStore(createInitialState({ conversationId: CONVERSATION_ID, initialMessages: [message(1)] }), () => () => undefined);
  let online = false;
  // Only the ticket request is stood in for: it fails while the network is down.
  const fetchImpl = async (): Promise<Response> => {
    if (!online) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify({ ticket: 'T', param: 'token', ws_base: 'ws://h/ws/v1/' }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const controller = createConversationController({ conversationId: CONVERSATION_ID, store, outbox: createOutbox(CONVERSATION_ID, null), appType: 'social', isUnmounted: () => false, random: () => 0, fetchImpl });
  const sent: ClientFrame[] = [];
  controller.attach({ send: (frame) => sent.push(frame), current: () => null });

  // The socket dropped while offline: the URL function's ticket fetch fails, and it waits 500 ms to try again.
  const firstLoop = controller.getSocketUrl().catch((error: unknown) => error);
  await sleep(50);
  expect(store.getState().connection.status).toBe('reconnecting');

  // Back online: reconnect() starts a new connect, which gets a ticket and a socket.
  online = true;
  controller.beginManualReconnect();
  await expect(controller.getSocketUrl()).resolves.toContain('ws://h/ws/v1/');
  controller.handleFrame(frames.connected(1));

  // The network blips while the first loop still waits; it must end without a word.
  online = false;
  await sleep(700);
  online = true;
  expect(await firstLoop).toBeInstanceOf(Error);
  expect(store.getState().connection.status).toBe('open');
  controller.send('hello');
  expect(sent.some((frame) => frame.event === 'action')).toBe(true);
});
