import {
  ApiError,
  MessageResponse,
  ThreadContextResponse,
  type InternalMessageBody,
  type VoiceSessionBody,
} from '@confab/protocol';

/**
 * The chat service's internal API, as the agent service (Bearer CHAT_SERVICE_INTERNAL_TOKEN, never a
 * person's session). Answers are validated: a contract drift fails loudly here, not deep in a job.
 */
export class ChatServiceError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ChatServiceError';
  }

  /** 4xx (except 408/429) and answers we cannot read will not get better by retrying. */
  get retryable(): boolean {
    if (this.code === 'VALIDATION_ERROR') return false;
    return this.status === null || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface ChatServiceClientOptions {
  baseUrl: string;
  internalToken: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Delays between attempts of idempotent writes. */
  retryDelaysMs?: number[];
}

export class ChatServiceClient {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: number[];

  constructor(private readonly options: ChatServiceClientOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retryDelaysMs = options.retryDelaysMs ?? [250, 1000, 3000];
  }

  async getContext(threadId: string): Promise<ThreadContextResponse> {
    const body = await this.request('GET', `/v1/internal/threads/${encodeURIComponent(threadId)}/context`);
    return parse(ThreadContextResponse, body, 'thread context');
  }

  /** Safe to retry: the chat service stores one message per client_message_id. */
  async postMessage(threadId: string, message: InternalMessageBody): Promise<MessageResponse> {
    return this.withRetry(async () => {
      const body = await this.request('POST', `/v1/internal/threads/${encodeURIComponent(threadId)}/messages`, message);
      return parse(MessageResponse, body, 'message');
    });
  }

  async setVoiceSession(threadId: string, session: VoiceSessionBody): Promise<void> {
    await this.withRetry(() => this.request('POST', `/v1/internal/threads/${encodeURIComponent(threadId)}/voice-session`, session));
  }

  private async withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i += 1) {
      try {
        return await attempt();
      } catch (error) {
        const delay = this.retryDelaysMs[i];
        if (delay === undefined || !(error instanceof ChatServiceError) || !error.retryable) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.internalToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ChatServiceError(`${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`, null, null);
    }
    if (response.status === 204) return null;
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const apiError = ApiError.safeParse(json);
      const code = apiError.success ? apiError.data.error.code : null;
      const detail = apiError.success ? apiError.data.error.message : `HTTP ${response.status}`;
      throw new ChatServiceError(`${method} ${path}: ${detail}`, response.status, code);
    }
    return json;
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ChatServiceError(`unexpected ${what} answer from the chat service: ${parsed.error.message}`, null, 'VALIDATION_ERROR');
  return parsed.data;
}
