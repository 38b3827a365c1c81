import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real local OpenAI-compatible server for tests: `POST /v1/chat/completions` with
 * `stream: true` answers real server-sent events, written in small pieces split at awkward
 * byte boundaries (inside JSON, between CR and LF, inside multi-byte characters), and records
 * every request it gets. Configure the next answers with `reply`.
 */

export interface FakeReply {
  /** Content pieces, one chunk each. */
  pieces?: string[];
  finishReason?: string;
  /** Sent in a final `choices: []` chunk when the request asked for `include_usage`. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Answer with this HTTP status and body instead of a stream. */
  status?: number;
  errorBody?: string;
  /** Bytes per write (default 7) and pause between writes (default 1 ms). */
  splitEvery?: number;
  writeDelayMs?: number;
  /** End the response before `[DONE]` and before any finish_reason. */
  cutShort?: boolean;
  /** After the finish_reason chunk, send neither `[DONE]` nor the end of the response: the connection hangs open. */
  hangAfterFinish?: boolean;
  /** Send this raw SSE data line mid-stream (e.g. an error object). */
  injectData?: string;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** True when the client hung up before the stream ended (an abort reached the server). */
  clientAborted: boolean;
}

export interface FakeOpenAi {
  /** Use as OPENAI_BASE_URL. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers for the coming requests, in order; the last one repeats. */
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY: FakeReply = { pieces: ['Hello', ' from', ' the', ' fake', ' model', ' — café ☕'], finishReason: 'stop' };

function sseData(json: unknown): string {
  return `data: ${typeof json === 'string' ? json : JSON.stringify(json)}\r\n\r\n`;
}

export function buildSse(reply: FakeReply, model: string, includeUsage: boolean): string {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  let text = ': fake-openai stream starts\n\n';
  text += sseData({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  const pieces = reply.pieces ?? DEFAULT_REPLY.pieces ?? [];
  pieces.forEach((piece, i) => {
    text += sseData({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
    if (reply.injectData && i === Math.floor(pieces.length / 2)) text += sseData(reply.injectData);
  });
  if (reply.cutShort) return text;
  text += sseData({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }] });
  if (reply.hangAfterFinish) return text;
  const usage = reply.usage === undefined ? { prompt_tokens: 42, completion_tokens: pieces.length } : reply.usage;
  if (includeUsage && usage) text += sseData({ ...base, choices: [], usage });
  return `${text}data: [DONE]\n\n`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && key in body ? (body as Record<string, unknown>)[key] : undefined;
}

async function writeSlowly(res: ServerResponse, bytes: Buffer, every: number, delayMs: number, isGone: () => boolean): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += every) {
    if (isGone()) return;
    res.write(bytes.subarray(offset, offset + every));
    // setImmediate for 0: still one write per event-loop turn, so the pieces leave separately.
    await new Promise((resolve) => (delayMs > 0 ? setTimeout(resolve, delayMs) : setImmediate(resolve)));
  }
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  let queue: FakeReply[] = [DEFAULT_REPLY];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const body = await readJson(req);
    const record: RecordedRequest = { path, headers: req.headers, body, clientAborted: false };
    requests.push(record);
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${path}` } }));
      return;
    }
    const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? DEFAULT_REPLY;
    if (reply.status && reply.status !== 200) {
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.errorBody ?? '');
      return;
    }
    let finished = false;
    res.on('close', () => {
      if (!finished) record.clientAborted = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const model = typeof field(body, 'model') === 'string' ? String(field(body, 'model')) : 'fake-model';
    const includeUsage = field(field(body, 'stream_options'), 'include_usage') === true;
    const bytes = Buffer.from(buildSse(reply, model, includeUsage), 'utf8');
    await writeSlowly(res, bytes, reply.splitEvery ?? 7, reply.writeDelayMs ?? 1, () => record.clientAborted);
    if (reply.hangAfterFinish) return; // until the client hangs up
    finished = true;
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(...replies) {
      queue = replies.length > 0 ? replies : [DEFAULT_REPLY];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
