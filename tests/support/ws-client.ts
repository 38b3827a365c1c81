import WebSocket from 'ws';
import { parseServerFrame, streamedText, type ServerEvent, type ServerFrame, type ServerFrameOf } from '@confab/protocol';

/**
 * A real WebSocket client for tests: records every frame the server sends and lets a test
 * wait for the next frame of an event (optionally matching a predicate).
 */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly rawTexts: string[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private waiters: Array<() => void> = [];
  private cursor = new Map<string, number>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.rawTexts.push(text);
      const parsed = parseServerFrame(text);
      if (parsed.ok) this.frames.push(parsed.frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.wake();
    });
  }

  static open(url: string, options: { origin?: string } = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, { origin: options.origin ?? 'http://localhost:3000' });
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} on upgrade`)));
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Frames of one event received so far. */
  all<E extends ServerEvent>(event: E): Array<ServerFrameOf<E>> {
    return this.frames.filter((f): f is ServerFrameOf<E> => f.event === event);
  }

  /** A streaming reply's text as this socket's `stream` frames so far build it (as a client would). */
  replyText(messageId: string): string | undefined {
    return this.all('stream')
      .filter((f) => f.data.message_id === messageId)
      .reduce<string | undefined>((text, f) => streamedText(text, f.data) ?? text, undefined);
  }

  /**
   * Resolves with the first frame of `event` matching `predicate` that this call (or an
   * earlier `next` for the same key) has not returned yet.
   */
  async next<E extends ServerEvent>(
    event: E,
    predicate: (frame: ServerFrameOf<E>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ServerFrameOf<E>> {
    const key = `${event}:${predicate.toString()}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const start = this.cursor.get(key) ?? 0;
      const frames = this.frames;
      for (let i = start; i < frames.length; i++) {
        const frame = frames[i]!;
        if (frame.event === event && predicate(frame as ServerFrameOf<E>)) {
          this.cursor.set(key, i + 1);
          return frame as ServerFrameOf<E>;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.frames.map((f) => f.event).join(',');
        throw new Error(`timed out waiting for "${event}" (seen: ${seen}; closed: ${this.closeCode})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code once the server (or we) closed the socket. */
  async closed(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close(1000);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
