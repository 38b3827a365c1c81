import { setTimeout as sleep } from 'node:timers/promises';
import { listPosts, signUp, ticketFor } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * A client gone without closing (a dead network path, a suspended laptop) must not hold its
 * connection slots for good: the server pings every socket and drops one that answered nothing
 * since the last round. Here a round is 300 ms.
 */
let service: RunningChatService;

beforeAll(async () => {
  service = await startChatService({ env: { WS_PING_INTERVAL_S: '0.3' } });
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

async function open(): Promise<TestSocket> {
  const [post] = await listPosts(service);
  const user = await signUp(service);
  const { ticket } = await ticketFor(service, user.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${post!.conversation_id}/?token=${encodeURIComponent(ticket)}`);
  await socket.next('connected');
  return socket;
}

it('drops a socket that stopped answering pings, and keeps one that answers them', async () => {
  const answering = await open();
  const silent = await open();
  // Reads nothing, so it answers no ping: as if the client vanished without a close.
  silent.ws.pause();
  await sleep(1_500);
  silent.ws.resume();

  expect(await silent.closed(3_000)).toBe(1006);
  expect(answering.closeCode).toBeNull();
  answering.send({ event: 'ping' });
  await answering.next('pong');
  answering.close();
});
