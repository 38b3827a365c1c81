import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ApiError,
  HistoryResponse,
  MeResponse,
  MessageResponse,
  PostResponse,
  PostsResponse,
  SessionResponse,
  ThreadContextResponse,
  ThreadResponse,
  ThreadsResponse,
  TicketResponse,
  type ErrorCode,
  type HistoryQuery,
  type Identity,
  type InternalMessageBody,
  type Message,
  type Post,
  type Thread,
} from '@confab/protocol';

/**
 * Typed REST helpers for tests against a running chat service (see ./chat-service.ts). Every
 * answer is parsed with the protocol's zod schema, so a test also checks the wire contract.
 * Helpers that expect success throw `ApiCallError` (with the status and error body) otherwise.
 */

/** Anything with the service's base URL; `env` supplies CHAT_SERVICE_INTERNAL_TOKEN for internal calls. */
export interface ApiTarget {
  httpUrl: string;
  env?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** JSON-encoded unless it is already a string (to send malformed bodies). */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** One HTTP call, no judgement: the status, headers and parsed JSON body (or null). */
export async function request(target: ApiTarget, method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
  const url = new URL(path, target.httpUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** The body parsed with `schema` when the status is the expected one; ApiCallError otherwise. */
export function expectStatus<S extends z.core.$ZodType>(response: RawResponse, status: number, schema: S, what = 'request'): z.output<S> {
  if (response.status !== status) throw new ApiCallError(response.status, response.body, what);
  return z.parse(schema, response.body);
}

/** The ApiError body, after checking the status and the error code. */
export function expectApiError(response: RawResponse, status: number, code: ErrorCode): ApiError['error'] {
  const parsed = ApiError.safeParse(response.body);
  if (response.status !== status || !parsed.success || parsed.data.error.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return parsed.data.error;
}

export interface SignedIn {
  sessionToken: string;
  identity: Identity;
  email: string;
  password: string;
  response: SessionResponse;
}

export interface SignUpOverrides {
  email?: string;
  password?: string;
  display_name?: string;
  visitor_session_token?: string;
}

/** Signs up a fresh user (unique email unless given). */
export async function signUp(target: ApiTarget, overrides: SignUpOverrides = {}): Promise<SignedIn> {
  const email = overrides.email ?? `user-${randomUUID()}@example.test`;
  const password = overrides.password ?? 'correct horse battery';
  const response = expectStatus(
    await request(target, 'POST', '/v1/auth/signup', {
      body: { display_name: 'Test User', ...overrides, email, password },
    }),
    201,
    SessionResponse,
    'sign up',
  );
  return { sessionToken: response.session_token, identity: response.identity, email, password, response };
}

export async function signIn(
  target: ApiTarget,
  credentials: { email: string; password: string; visitor_session_token?: string },
): Promise<SessionResponse> {
  return expectStatus(await request(target, 'POST', '/v1/auth/signin', { body: credentials }), 200, SessionResponse, 'sign in');
}

export async function signOut(target: ApiTarget, sessionToken: string): Promise<void> {
  const response = await request(target, 'POST', '/v1/auth/signout', { token: sessionToken });
  if (response.status !== 204) throw new ApiCallError(response.status, response.body, 'sign out');
}

export async function me(target: ApiTarget, sessionToken: string): Promise<MeResponse> {
  return expectStatus(await request(target, 'GET', '/v1/auth/me', { token: sessionToken }), 200, MeResponse, 'me');
}

export async function createVisitor(target: ApiTarget): Promise<{ sessionToken: string; identity: Identity }> {
  const response = expectStatus(await request(target, 'POST', '/v1/visitors'), 201, SessionResponse, 'create visitor');
  return { sessionToken: response.session_token, identity: response.identity };
}

export async function ticketFor(target: ApiTarget, sessionToken: string): Promise<TicketResponse> {
  return expectStatus(await request(target, 'POST', '/v1/tickets', { token: sessionToken }), 200, TicketResponse, 'ticket');
}

export async function listPosts(target: ApiTarget): Promise<Post[]> {
  return expectStatus(await request(target, 'GET', '/v1/posts'), 200, PostsResponse, 'list posts').posts;
}

export async function getPost(target: ApiTarget, slug: string): Promise<Post> {
  return expectStatus(await request(target, 'GET', `/v1/posts/${encodeURIComponent(slug)}`), 200, PostResponse, 'get post').post;
}

/** Starts a thread on a post (the first seeded post unless `slug` is given). */
export async function createThread(
  target: ApiTarget,
  sessionToken: string,
  options: { slug?: string; title?: string } = {},
): Promise<Thread> {
  const slug = options.slug ?? (await listPosts(target))[0]?.slug;
  if (!slug) throw new Error('the service has no posts');
  const response = await request(target, 'POST', `/v1/posts/${encodeURIComponent(slug)}/threads`, {
    token: sessionToken,
    body: options.title === undefined ? {} : { title: options.title },
  });
  return expectStatus(response, 201, ThreadResponse, 'create thread').thread;
}

export async function listThreads(target: ApiTarget, sessionToken: string): Promise<Thread[]> {
  return expectStatus(await request(target, 'GET', '/v1/threads', { token: sessionToken }), 200, ThreadsResponse, 'list threads')
    .threads;
}

export async function getThread(target: ApiTarget, sessionToken: string, threadId: string): Promise<Thread> {
  return expectStatus(await request(target, 'GET', `/v1/threads/${threadId}`, { token: sessionToken }), 200, ThreadResponse, 'get thread')
    .thread;
}

export async function getHistory(
  target: ApiTarget,
  conversationId: string,
  options: HistoryQuery & { token?: string } = {},
): Promise<HistoryResponse> {
  const { token, ...query } = options;
  const response = await request(target, 'GET', `/v1/conversations/${conversationId}/messages`, { token, query });
  return expectStatus(response, 200, HistoryResponse, 'history');
}

export function internalToken(target: ApiTarget): string {
  const token = target.env?.CHAT_SERVICE_INTERNAL_TOKEN;
  if (!token) throw new Error('the target has no CHAT_SERVICE_INTERNAL_TOKEN in env');
  return token;
}

/** Stores a voice turn through the internal API; `duplicate` is true when the key had been stored (200, not 201). */
export async function postVoiceMessage(
  target: ApiTarget,
  threadId: string,
  body: Omit<InternalMessageBody, 'source'> & { source?: 'voice' },
): Promise<{ message: Message; duplicate: boolean }> {
  const response = await request(target, 'POST', `/v1/internal/threads/${threadId}/messages`, {
    token: internalToken(target),
    body: { source: 'voice', ...body },
  });
  const duplicate = response.status === 200;
  const { message } = expectStatus(response, duplicate ? 200 : 201, MessageResponse, 'internal message');
  return { message, duplicate };
}

export async function threadContext(target: ApiTarget, threadId: string): Promise<ThreadContextResponse> {
  const response = await request(target, 'GET', `/v1/internal/threads/${threadId}/context`, { token: internalToken(target) });
  return expectStatus(response, 200, ThreadContextResponse, 'thread context');
}
