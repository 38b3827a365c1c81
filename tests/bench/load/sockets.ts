import WebSocket from 'ws';
import { z } from 'zod';
import { TicketResponse } from '@confab/protocol';
import type { Target } from './messages';

/** Opens WebSockets against a target: a bare URL, or the chat service with tickets. */

const ORIGIN = 'http://localhost:3000';
/** Spread client sockets over a few loopback source addresses so ephemeral ports never run out. */
const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const TICKET_MAX_AGE_MS = 40_000;

const FirstFrame = z.object({ event: z.string(), data: z.object({ last_seq: z.number().optional(), code: z.string().optional() }).passthrough() });

interface CachedTicket {
  url: string;
  fetchedAt: number;
  uses: number;
}

export class SocketFactory {
  private opened = 0;
  private tickets = new Map<number, CachedTicket>();
  private reuseAllowed = true;

  constructor(private readonly target: Target) {}

  private async ticketUrl(index: number, fresh: boolean): Promise<string> {
    const t = this.target;
    if (t.kind === 'bare') return t.wsUrl;
    const sessionIndex = index % t.sessions.length;
    const cached = this.tickets.get(sessionIndex);
    const limit = this.reuseAllowed ? t.socketsPerTicket : 1;
    if (!fresh && cached && cached.uses < limit && Date.now() - cached.fetchedAt < TICKET_MAX_AGE_MS) {
      cached.uses++;
      return cached.url;
    }
    const session = t.sessions[sessionIndex]!;
    const res = await fetch(`${t.httpUrl}/v1/tickets`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    if (!res.ok) throw new Error(`ticket: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    const { ticket } = TicketResponse.parse(await res.json());
    const param = session.kind === 'user' ? 'token' : 'session_user';
    const url = `${t.wsBase}conversation/${t.conversationId}/?${param}=${encodeURIComponent(ticket)}&app_type=web`;
    this.tickets.set(sessionIndex, { url, fetchedAt: Date.now(), uses: 1 });
    return url;
  }

  /** Opens one socket and waits for the `connected` frame (and sends `sync` like a real client). */
  async open(timeoutMs = 20_000): Promise<WebSocket> {
    const index = this.opened++;
    try {
      return await this.attempt(index, false, timeoutMs);
    } catch (error) {
      // A ticket that may only be used once: stop reusing tickets and try once more.
      if (this.target.kind === 'confab' && error instanceof Error && error.message.includes('AUTH_FAILED') && this.reuseAllowed) {
        this.reuseAllowed = false;
        return this.attempt(index, true, timeoutMs);
      }
      throw error;
    }
  }

  private async attempt(index: number, fresh: boolean, timeoutMs: number): Promise<WebSocket> {
    const url = await this.ticketUrl(index, fresh);
    const ws = new WebSocket(url, {
      origin: ORIGIN,
      perMessageDeflate: false,
      localAddress: SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length],
    });
    return new Promise<WebSocket>((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        ws.removeAllListeners('message');
        ws.terminate();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail('timed out waiting for "connected"'), timeoutMs);
      ws.once('error', (e) => fail(`socket error: ${e.message}`));
      ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode} on upgrade`));
      ws.once('close', (code) => fail(`closed with ${code} before "connected"`));
      ws.once('message', (raw) => {
        let json: unknown = null;
        try {
          json = JSON.parse(raw.toString());
        } catch {
          // reported below as unparseable
        }
        const parsed = FirstFrame.safeParse(json);
        if (!parsed.success || parsed.data.event !== 'connected') {
          return fail(`first frame was ${parsed.success ? `${parsed.data.event} ${parsed.data.data.code ?? ''}` : 'unparseable'}`);
        }
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.removeAllListeners('error');
        ws.on('error', () => undefined);
        ws.send(JSON.stringify({ event: 'sync', data: { after_seq: parsed.data.data.last_seq ?? 0 } }));
        resolve(ws);
      });
    });
  }
}

/** Runs `count` opens with at most `concurrency` in flight. */
export async function openMany(
  factory: SocketFactory,
  count: number,
  concurrency: number,
): Promise<{ sockets: WebSocket[]; errors: string[] }> {
  const sockets: WebSocket[] = [];
  const errors: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      try {
        sockets.push(await factory.open());
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { sockets, errors };
}
