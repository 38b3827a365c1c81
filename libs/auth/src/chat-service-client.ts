import { z } from 'zod';
import {
  ApiError,
  CLIENT_ADDRESS_HEADER,
  PAGE_ERROR_DIGEST,
  INTERNAL_TOKEN_HEADER,
  CreateThreadBody,
  HistoryQuery,
  HistoryResponse,
  MeResponse,
  PostResponse,
  PostsResponse,
  SessionResponse,
  SignInBody,
  SignUpBody,
  ThreadResponse,
  ThreadsResponse,
  TicketResponse,
} from '@confab/protocol';
import { ChatServiceError } from './errors';

type Fetch = typeof fetch;

/**
 * How long a call to the chat service may take, answer read included. A chat service that hangs
 * (stopped, overloaded, its database stuck) must not hold a page or a sign-in open without end:
 * after this the person gets an error in words and can try again. A page's calls share one such
 * budget in all (`until`, and `PAGE_DEADLINE_HEADER` in ./deadline.ts).
 */
export const CHAT_SERVICE_TIMEOUT_MS = 10_000;

const UNREACHABLE = "Can't reach Confab's chat service right now. Try again in a moment.";
const TOO_SLOW = "Confab's chat service is taking too long to answer. Try again in a moment.";

interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Session token (user or visitor), sent as `Authorization: Bearer`. */
  token?: string | null;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Schema of a successful answer; `null` expects 204 No Content. */
  schema: z.core.$ZodType<T> | null;
  /**
   * A call made on a person's behalf whose per-address limits are theirs (sign-up, sign-in, a new
   * visitor): their address (`requestClientAddress`), or null when it is not known.
   */
  onBehalfOf?: string | null;
}

/**
 * Typed client of the chat service's REST API (libs/protocol/src/rest.ts). Every answer is
 * parsed with its zod schema, so a drifting server fails here with a clear error instead of
 * rendering garbage; every failure becomes a `ChatServiceError` carrying the server's code.
 */
export class ChatServiceClient {
  /**
   * `internalToken` (CHAT_SERVICE_INTERNAL_TOKEN): sent with calls made on a person's behalf, so
   * the chat service believes the address they name. Without it the chat service sees this
   * server as the one client behind every sign-in and visitor.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch = fetch,
    private readonly internalToken: string | null = null,
    private readonly timeoutMs = CHAT_SERVICE_TIMEOUT_MS,
    /** Epoch ms by which every call must be over (see `until`); null: each call has `timeoutMs`. */
    private readonly deadline: number | null = null,
  ) {}

  /**
   * The same client with every call ending by `deadline` (epoch ms) at the latest: the calls a
   * page makes one after another share one budget, instead of each waiting `timeoutMs` anew.
   */
  until(deadline: number): ChatServiceClient {
    return new ChatServiceClient(this.baseUrl, this.fetchImpl, this.internalToken, this.timeoutMs, deadline);
  }

  signUp(body: SignUpBody, onBehalfOf: string | null = null) {
    return this.request('/v1/auth/signup', { method: 'POST', body, schema: SessionResponse, onBehalfOf });
  }

  signIn(body: SignInBody, onBehalfOf: string | null = null) {
    return this.request('/v1/auth/signin', { method: 'POST', body, schema: SessionResponse, onBehalfOf });
  }

  signOut(token: string) {
    return this.request('/v1/auth/signout', { method: 'POST', token, schema: null });
  }

  me(token: string) {
    return this.request('/v1/auth/me', { token, schema: MeResponse });
  }

  createVisitor(onBehalfOf: string | null = null) {
    return this.request('/v1/visitors', { method: 'POST', body: {}, schema: SessionResponse, onBehalfOf });
  }

  createTicket(token: string) {
    return this.request('/v1/tickets', { method: 'POST', token, body: {}, schema: TicketResponse });
  }

  listPosts(token?: string | null) {
    return this.request('/v1/posts', { token, schema: PostsResponse });
  }

  getPost(slug: string, token?: string | null) {
    return this.request(`/v1/posts/${encodeURIComponent(slug)}`, { token, schema: PostResponse });
  }

  listThreads(token: string) {
    return this.request('/v1/threads', { token, schema: ThreadsResponse });
  }

  createThread(token: string, slug: string, body: CreateThreadBody = {}) {
    return this.request(`/v1/posts/${encodeURIComponent(slug)}/threads`, {
      method: 'POST',
      token,
      body,
      schema: ThreadResponse,
    });
  }

  deleteThread(token: string, id: string) {
    return this.request<void>(`/v1/threads/${encodeURIComponent(id)}`, { method: 'DELETE', token, schema: null });
  }

  getThread(token: string, id: string) {
    return this.request(`/v1/threads/${encodeURIComponent(id)}`, { token, schema: ThreadResponse });
  }

  history(conversationId: string, query: HistoryQuery = {}, token?: string | null) {
    return this.request(`/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      token,
      query: { before_seq: query.before_seq, after_seq: query.after_seq, limit: query.limit },
      schema: HistoryResponse,
    });
  }

  private async request<T>(path: string, options: RequestOptions<T>): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.onBehalfOf !== undefined && this.internalToken !== null) {
      headers[INTERNAL_TOKEN_HEADER] = this.internalToken;
      if (options.onBehalfOf !== null) headers[CLIENT_ADDRESS_HEADER] = options.onBehalfOf;
    }

    // One deadline for the whole call: the answer's body may stall as well as its headers.
    const timeoutMs = this.deadline === null ? this.timeoutMs : Math.min(this.timeoutMs, this.deadline - Date.now());
    const tooSlow = () => new ChatServiceError(504, 'INTERNAL_ERROR', TOO_SLOW, undefined, PAGE_ERROR_DIGEST.tooSlow);
    // The budget is spent (earlier calls took it): do not start a call that cannot finish.
    if (timeoutMs <= 0) throw tooSlow();
    const signal = AbortSignal.timeout(timeoutMs);
    const failed = (error: unknown) =>
      signal.aborted || (error instanceof DOMException && error.name === 'TimeoutError')
        ? tooSlow()
        : new ChatServiceError(503, 'INTERNAL_ERROR', UNREACHABLE, undefined, PAGE_ERROR_DIGEST.unreachable);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        // Answers depend on the caller's session: never let Next.js cache them across people.
        cache: 'no-store',
        signal,
      });
    } catch (error) {
      throw failed(error);
    }

    if (!response.ok) throw await toError(response);
    if (options.schema === null) return undefined as T;

    const json: unknown = await response.json().catch((error: unknown) => {
      if (signal.aborted) throw failed(error);
      return undefined;
    });
    const parsed = z.safeParse(options.schema, json);
    if (!parsed.success) {
      throw new ChatServiceError(502, 'INTERNAL_ERROR', `The chat service answered ${path} in an unexpected shape.`);
    }
    return parsed.data;
  }
}

async function toError(response: Response): Promise<ChatServiceError> {
  const json: unknown = await response.json().catch(() => undefined);
  const parsed = ApiError.safeParse(json);
  if (parsed.success) {
    const { code, message, retry_after_s } = parsed.data.error;
    return new ChatServiceError(response.status, code, message, retry_after_s);
  }
  return new ChatServiceError(
    response.status >= 500 ? 502 : response.status,
    'INTERNAL_ERROR',
    `The chat service failed (HTTP ${response.status}).`,
  );
}
