import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MessageResponse, PostsResponse, SessionResponse, ThreadResponse, type Post, type Thread } from '@confab/protocol';

/** The chat service's REST API as the benchmarks use it (every answer parsed with the protocol's zod schemas). */

export interface Session {
  token: string;
  kind: 'user' | 'visitor';
}

async function call<T>(schema: z.core.$ZodType<T>, url: string, init: RequestInit & { bearer?: string; json?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { ...init, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return z.parse(schema, JSON.parse(text));
}

/** Runs `count` tasks with at most `concurrency` at once. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export class ConfabApi {
  constructor(readonly httpUrl: string) {}

  async signUp(label: string): Promise<Session> {
    const body = { email: `${label}-${randomUUID().slice(0, 8)}@bench.example`, password: 'bench-password-1', display_name: label };
    const res = await call(SessionResponse, `${this.httpUrl}/v1/auth/signup`, { method: 'POST', json: body });
    return { token: res.session_token, kind: 'user' };
  }

  async visitor(): Promise<Session> {
    const res = await call(SessionResponse, `${this.httpUrl}/v1/visitors`, { method: 'POST', json: {} });
    return { token: res.session_token, kind: 'visitor' };
  }

  users(count: number, prefix: string): Promise<Session[]> {
    return pool(count, 4, (i) => this.signUp(`${prefix}${i}`));
  }

  visitors(count: number): Promise<Session[]> {
    return pool(count, 16, () => this.visitor());
  }

  async posts(): Promise<Post[]> {
    return (await call(PostsResponse, `${this.httpUrl}/v1/posts`)).posts;
  }

  async createThread(session: Session, slug: string, title: string): Promise<Thread> {
    return (await call(ThreadResponse, `${this.httpUrl}/v1/posts/${slug}/threads`, { method: 'POST', bearer: session.token, json: { title } })).thread;
  }

  /** Stores a message through the internal (voice agent) API: the fast way to fill a thread. */
  async insertMessage(internalToken: string, threadId: string, role: 'user' | 'agent', content: string): Promise<void> {
    await call(MessageResponse, `${this.httpUrl}/v1/internal/threads/${threadId}/messages`, {
      method: 'POST',
      bearer: internalToken,
      json: { role, content, source: 'voice', client_message_id: randomUUID() },
    });
  }
}
