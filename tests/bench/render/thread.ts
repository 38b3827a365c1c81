import { TicketResponse } from '@confab/protocol';
import { TestSocket } from '../../support/ws-client';
import { ConfabApi, pool, type Session } from '../lib/confab-api';
import type { ConfabServer } from '../lib/servers';

/** The thread the render benchmark streams into: an owner, N stored messages, and a way to ask for a reply. */

export interface BenchThread {
  id: string;
  owner: Session;
  ticket(): Promise<TicketResponse>;
  /** Sends a message as the owner and resolves when the agent's reply is `done`. */
  askForReply(timeoutMs: number): Promise<void>;
}

/**
 * A stored row: one paragraph. Until session 5 rows began with "#<n> ", which the UI then showed as
 * headings (markdown-to-jsx did not require a space after #), so earlier runs had taller rows.
 */
const SENTENCE = 'Here is a message with **some markdown**, a `code span` and a [link](https://example.com/docs) to make rows realistic.';

export async function prepareThread(server: ConfabServer, messages: number): Promise<BenchThread> {
  const api = new ConfabApi(server.service.httpUrl);
  const owner = await api.signUp('render-owner');
  const post = (await api.posts())[0];
  if (!post) throw new Error('the chat service has no seeded post');
  const thread = await api.createThread(owner, post.slug, 'Render bench thread');
  await pool(messages, 8, (i) => api.insertMessage(server.internalToken, thread.id, i % 2 === 0 ? 'user' : 'agent', `Message ${i}: ${SENTENCE}`));
  const ticket = async (): Promise<TicketResponse> => {
    const res = await fetch(`${server.service.httpUrl}/v1/tickets`, { method: 'POST', headers: { authorization: `Bearer ${owner.token}` } });
    if (!res.ok) throw new Error(`ticket: HTTP ${res.status}`);
    return TicketResponse.parse(await res.json());
  };
  return {
    id: thread.id,
    owner,
    ticket,
    async askForReply(timeoutMs) {
      const { ticket: t } = await ticket();
      const socket = await TestSocket.open(`${server.service.wsBase}conversation/${thread.id}/?token=${encodeURIComponent(t)}&app_type=social`);
      try {
        await socket.next('connected');
        socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Tell me a long story, please.', client_message_id: `bench-${Date.now()}` } });
        await socket.next('done', () => true, timeoutMs);
      } finally {
        socket.close();
      }
    },
  };
}
