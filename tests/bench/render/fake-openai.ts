import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A paced OpenAI-compatible model server: every `/chat/completions` request is answered with
 * `tokens` streamed content chunks at `perSecond` tokens per second (real server-sent events),
 * so the chat service streams a long reply exactly as it would from a real model.
 */

export interface PacedModel {
  /** Use as OPENAI_BASE_URL. */
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

const WORDS = ['the', 'agent', 'streams', 'a', 'long', 'answer', 'with', '**bold**', 'words', 'and', '`code`', 'in', 'it'];

/**
 * The i-th token: words with a paragraph break every 40 tokens and a list item now and then.
 * A paragraph's first word has no leading space, as a model writes it ("\n\n" then "The").
 */
export function tokenAt(i: number): string {
  if (i > 0 && i % 40 === 0) return '\n\n';
  if (i % 97 === 5) return '\n- item';
  const word = WORDS[i % WORDS.length];
  return i === 0 || i % 40 === 1 ? `${word}` : ` ${word}`;
}

export async function startPacedModel(tokens: number, perSecond: number): Promise<PacedModel> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    state.requests++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model' };
    const send = (json: unknown): boolean => res.write(`data: ${JSON.stringify(json)}\n\n`);
    const t0 = Date.now();
    let i = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const tick = (): void => {
      if (closed) return;
      const due = Math.min(tokens, Math.floor(((Date.now() - t0) * perSecond) / 1000) + 1);
      for (; i < due; i++) send({ ...base, choices: [{ index: 0, delta: { content: tokenAt(i) }, finish_reason: null }] });
      if (i >= tokens) {
        send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        send({ ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens } });
        res.end('data: [DONE]\n\n');
        return;
      }
      setTimeout(tick, Math.max(1, t0 + ((i + 0.5) * 1000) / perSecond - Date.now()));
    };
    tick();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
