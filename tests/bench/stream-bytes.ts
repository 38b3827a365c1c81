import { log, notRun, type BenchResult } from './lib/report';
import { chatServiceMissing, startConfab } from './lib/servers';
import { fmt, ratio } from './lib/stats';
import { TestSocket } from '../support/ws-client';
import { startPacedModel } from './render/fake-openai';
import { prepareThread } from './render/thread';

/**
 * Bytes one viewer receives while a reply streams: a 2,000-token reply at 100 tokens/s through the
 * real chat service, read by two sockets of the same viewer in the same run. Confab's client opens
 * its socket with `stream=delta` and gets the reply's whole text once, then deltas. Baseline: a
 * socket opened without it (a page loaded before session 6) gets the whole text in every frame, as
 * every client did before, which made a viewer's bytes grow with the square of the reply's length.
 */

const TITLE = '5. Bytes per viewer while a reply streams (2,000 tokens at 100 tok/s)';
const SIZES = { full: 2_000, quick: 300 };

interface Received {
  frames: number;
  bytes: number;
  text: string | undefined;
}

function streamFramesOf(socket: TestSocket, messageId: string): Received {
  const frames = socket.rawTexts.filter((raw) => raw.startsWith('{"event":"stream"') && raw.includes(messageId));
  return { frames: frames.length, bytes: frames.reduce((sum, raw) => sum + Buffer.byteLength(raw), 0), text: socket.replyText(messageId) };
}

export async function streamBytesBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const missing = chatServiceMissing();
  if (missing) return notRun('stream-bytes', TITLE, missing);
  const started = Date.now();
  const tokens = SIZES[scale];
  const model = await startPacedModel(tokens, 100);
  const server = await startConfab({ OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench' });
  try {
    const thread = await prepareThread(server, 10);
    const open = async (query: string): Promise<TestSocket> => {
      const { ticket } = await thread.ticket();
      return TestSocket.open(`${server.service.wsBase}conversation/${thread.id}/?token=${encodeURIComponent(ticket)}&app_type=bench${query}`);
    };
    const confab = await open('&stream=delta');
    const whole = await open('');
    log(`stream-bytes: streaming ${tokens} tokens to two sockets`);
    await thread.askForReply((tokens / 100 + 60) * 1000);
    const done = await confab.next('done', () => true, 30_000);
    await whole.next('done', () => true, 30_000);
    confab.close();
    whole.close();
    const now = streamFramesOf(confab, done.data.message_id);
    const before = streamFramesOf(whole, done.data.message_id);
    const reply = Buffer.byteLength(done.data.content);
    const kB = (n: number): string => fmt(n / 1000, 1);
    const rebuilt = (r: Received): string => (r.text === done.data.content ? 'yes' : 'NO');
    return {
      id: 'stream-bytes',
      title: TITLE,
      status: 'ok',
      tables: [
        {
          header: ['socket', 'stream frames', 'kB received', 'text rebuilt = stored reply', 'kB / reply size'],
          rows: [
            ['whole text in every frame (no `stream=delta`)', String(before.frames), kB(before.bytes), rebuilt(before), ratio(before.bytes, reply)],
            ['Confab (`stream=delta`: whole text once, then deltas)', String(now.frames), kB(now.bytes), rebuilt(now), ratio(now.bytes, reply)],
            ['**Confab / whole text**', '', `**${ratio(now.bytes, before.bytes)}**`, '', ''],
          ],
        },
      ],
      targets: [],
      notes: [`Bytes are the WebSocket text payloads of each socket's \`stream\` frames for the reply (no framing); the reply is ${kB(reply)} kB. Both sockets belong to the same viewer and get the same broadcasts in the same run.`],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await server.stop();
    await model.close();
  }
}
