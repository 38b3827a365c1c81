import { log, notRun, type BenchResult } from './lib/report';
import { chatServiceMissing, startConfab } from './lib/servers';
import { fmt, ratio } from './lib/stats';
import { TestSocket } from '../support/ws-client';
import { startPacedModel } from './render/fake-openai';
import { prepareThread } from './render/thread';

/**
 * Bytes one viewer receives while a reply streams: a 2,000-token reply at 100 tokens/s through the
 * real chat service, read by one socket. Baseline: the same frames as they were when every `stream`
 * frame carried the reply's whole text so far (each delta-only frame plus that text, computed from
 * the frames of this run), which made a viewer's bytes grow with the square of the reply's length.
 */

const TITLE = '5. Bytes per viewer while a reply streams (2,000 tokens at 100 tok/s)';
const SIZES = { full: 2_000, quick: 300 };
const CONTENT_KEY = ',"content":';

export async function streamBytesBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const missing = chatServiceMissing();
  if (missing) return notRun('stream-bytes', TITLE, missing);
  const started = Date.now();
  const tokens = SIZES[scale];
  const model = await startPacedModel(tokens, 100);
  const server = await startConfab({ OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench' });
  try {
    const thread = await prepareThread(server, 10);
    const { ticket } = await thread.ticket();
    const viewer = await TestSocket.open(`${server.service.wsBase}conversation/${thread.id}/?token=${encodeURIComponent(ticket)}&app_type=social`);
    log(`stream-bytes: streaming ${tokens} tokens to one viewer`);
    await thread.askForReply((tokens / 100 + 60) * 1000);
    const done = await viewer.next('done', () => true, 30_000);
    viewer.close();

    let now = 0;
    let wholeTextEveryFrame = 0;
    let text = '';
    let frames = 0;
    for (const raw of viewer.rawTexts) {
      if (!raw.startsWith('{"event":"stream"')) continue;
      const data = (JSON.parse(raw) as { data: { delta: string; content?: string } }).data;
      text = data.content ?? text + data.delta;
      const bytes = Buffer.byteLength(raw);
      frames += 1;
      now += bytes;
      wholeTextEveryFrame += data.content === undefined ? bytes + CONTENT_KEY.length + Buffer.byteLength(JSON.stringify(text)) : bytes;
    }
    const reply = Buffer.byteLength(done.data.content);
    const kB = (n: number): string => fmt(n / 1000, 1);
    return {
      id: 'stream-bytes',
      title: TITLE,
      status: 'ok',
      tables: [
        {
          header: ['stream frames', 'reply kB', 'whole text in every frame kB', 'Confab (delta after the first frame) kB', '**Confab / whole text**', 'Confab / reply size'],
          rows: [[String(frames), kB(reply), kB(wholeTextEveryFrame), kB(now), `**${ratio(now, wholeTextEveryFrame)}**`, ratio(now, reply)]],
        },
      ],
      targets: [],
      notes: [
        "Bytes are the WebSocket text payloads of the viewer's `stream` frames (no framing). The first frame a connection gets for a reply carries its whole text so far; later ones carry only the delta and its offset. The baseline adds that text to every later frame, as the protocol did until session 6.",
        `Text ${text === done.data.content ? 'rebuilt from the frames equals' : 'rebuilt from the frames DIFFERS from'} the stored reply.`,
      ],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await server.stop();
    await model.close();
  }
}
