import { z } from 'zod';
import type { AgentPersona, Message, Usage } from '@confab/protocol';
import { SseLineTooLongError, SseParser } from './sse';
import { AgentProviderError, type AgentChunk, type AgentProvider, type AgentRequest } from './types';

export interface OpenAiProviderOptions {
  /** e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama); `/chat/completions` is appended. */
  baseUrl: string;
  apiKey: string | undefined;
  /** Used when a persona's model is "default" (or empty). */
  defaultModel: string;
  /** Give up when the server sends nothing for this long, so a hung server cannot leave a reply streaming forever. */
  idleTimeoutMs?: number;
}

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** One streamed chunk of `/chat/completions` (only the fields we use; unknown ones are ignored). */
const CompletionChunk = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
    .nullish(),
});

/** Some servers report failures inside the stream instead of with an HTTP status. */
const StreamedError = z.object({ error: z.union([z.string(), z.object({ message: z.string() })]) });

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const AFTER_FINISH_WAIT_MS = 3_000;
const DETAIL_MAX_CHARS = 200;

export function resolveModel(persona: AgentPersona, defaultModel: string): string {
  const model = persona.model.trim();
  return model === '' || model === 'default' ? defaultModel : model;
}

/** Told to the model in a post's shared conversation, after the persona's instructions. */
export const GROUP_CONVERSATION_NOTE =
  'This is a group conversation: several people write in it, and each of their messages starts with the writer\'s name and a colon. Answer the latest message, and address people by name when it helps.';

/**
 * The request's messages: persona instructions as the system prompt, then the conversation. In a
 * shared conversation (`shared`) each person's message starts with their name, or the model could
 * not tell Alice's words from Bob's (`name` on a message would say it too, but many
 * OpenAI-compatible servers drop it).
 */
export function toChatMessages(persona: AgentPersona, history: Message[], shared = false): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = [persona.instructions.trim(), shared ? GROUP_CONVERSATION_NOTE : ''].filter(Boolean).join('\n\n');
  if (system) messages.push({ role: 'system', content: system });
  for (const message of history) {
    if (message.content.trim() === '') continue;
    if (message.author.kind === 'agent') messages.push({ role: 'assistant', content: message.content });
    else if (message.author.kind === 'user' || message.author.kind === 'visitor') {
      messages.push({ role: 'user', content: shared ? `${message.author.display_name}: ${message.content}` : message.content });
    }
  }
  return messages;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > DETAIL_MAX_CHARS ? `${flat.slice(0, DETAIL_MAX_CHARS - 1)}…` : flat;
}

function errorDetail(body: string): string {
  try {
    const parsed = StreamedError.safeParse(JSON.parse(body));
    if (parsed.success) return shorten(typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message);
  } catch {
    // not JSON: show the text itself
  }
  return shorten(body);
}

/**
 * The kind of failure an HTTP status says, for readers. Not the server's own words: an error body
 * can name the account (OpenAI's 429s name the organisation, its 401s echo part of the key).
 */
function whatStatusMeans(status: number): string {
  if (status === 401 || status === 403) return ' (the API key was refused)';
  if (status === 404) return ' (no such model or endpoint)';
  if (status === 429) return ' (rate limited or out of quota)';
  if (status >= 500) return ' (server error)';
  return '';
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') return cause.code;
    return error.message;
  }
  return String(error);
}

type ParsedEvent =
  | { kind: 'end' }
  | { kind: 'chunk'; text: string; finishReason: string | null; usage: Usage | null; model: string | null };

function parseEventData(data: string): ParsedEvent {
  if (data.trim() === '[DONE]') return { kind: 'end' };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new AgentProviderError(`model server sent a chunk that is not JSON: ${shorten(data)}`);
  }
  const failure = StreamedError.safeParse(json);
  if (failure.success) {
    const error = failure.data.error;
    throw new AgentProviderError(`model error: ${shorten(typeof error === 'string' ? error : error.message)}`);
  }
  const chunk = CompletionChunk.safeParse(json);
  if (!chunk.success) {
    throw new AgentProviderError(`model server sent an unexpected chunk: ${chunk.error.issues[0]?.message ?? 'invalid'}`);
  }
  const choice = chunk.data.choices[0];
  return {
    kind: 'chunk',
    text: choice?.delta?.content ?? '',
    finishReason: choice?.finish_reason ?? null,
    usage: chunk.data.usage ?? null,
    model: chunk.data.model ?? null,
  };
}

/** Streams from any OpenAI-compatible `/chat/completions` endpoint (OpenAI, Ollama, vLLM, llama.cpp). */
export function createOpenAiProvider(options: OpenAiProviderOptions): AgentProvider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const modelFor = (persona: AgentPersona) => resolveModel(persona, options.defaultModel);

  async function* stream({ persona, history, shared = false, signal }: AgentRequest): AsyncIterable<AgentChunk> {
    if (signal.aborted) return;
    const model = modelFor(persona);
    // One controller for the HTTP request: aborted by the caller's signal, by the idle timer, or when we are done.
    const request = new AbortController();
    const forwardAbort = () => request.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    let modelName = model;
    let idleTimer: NodeJS.Timeout | undefined;
    let idleExpired = false;
    // Once the reply has finished (finish_reason came), only `[DONE]` or the usage chunk may follow:
    // a server that then keeps the connection open is waited for briefly, not a whole idle time.
    const resetIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => {
          idleExpired = true;
          request.abort();
        },
        finishReason === null ? idleTimeoutMs : Math.min(idleTimeoutMs, AFTER_FINISH_WAIT_MS),
      );
    };

    try {
      resetIdleTimer();
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model,
          messages: toChatMessages(persona, history, shared),
          temperature: persona.temperature,
          stream: true,
          stream_options: { include_usage: true },
        }),
        signal: request.signal,
      });
      if (!response.ok) {
        const body = await response.text().catch(() => '');
        throw new AgentProviderError(`model server answered HTTP ${response.status}${whatStatusMeans(response.status)}`, { detail: body ? errorDetail(body) : undefined });
      }
      if (!response.body) throw new AgentProviderError('model server sent no body');

      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      let ended = false;
      while (!ended) {
        const { done, value } = await reader.read();
        if (signal.aborted) return;
        const events = done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(value, { stream: true }));
        for (const event of events) {
          const parsed = parseEventData(event.data);
          if (parsed.kind === 'end') {
            ended = true;
            break;
          }
          if (parsed.text) yield { type: 'delta', text: parsed.text };
          finishReason = parsed.finishReason ?? finishReason;
          usage = parsed.usage ?? usage;
          modelName = parsed.model ?? modelName;
        }
        resetIdleTimer(); // after the events: a finish_reason among them shortens the wait for what follows
        if (done) break;
      }
      if (!ended && finishReason === null) throw new AgentProviderError('model server ended the stream before finishing');
      yield { type: 'done', finishReason: finishReason ?? 'stop', usage, model: modelName };
    } catch (error) {
      if (signal.aborted) return;
      // The reply had finished (finish_reason came) and the server then kept the connection open
      // without `[DONE]`: the reply is whole, not a failure.
      if (idleExpired && finishReason !== null) {
        yield { type: 'done', finishReason, usage, model: modelName };
        return;
      }
      if (idleExpired) throw new AgentProviderError(`model server sent nothing for ${Math.round(idleTimeoutMs / 1000)} s`);
      if (error instanceof AgentProviderError) throw error;
      if (error instanceof SseLineTooLongError) throw new AgentProviderError('model server sent a line of over a megabyte', { cause: error });
      throw new AgentProviderError(`could not reach the model server (${describeNetworkError(error)})`, { cause: error });
    } finally {
      clearTimeout(idleTimer);
      signal.removeEventListener('abort', forwardAbort);
      // Releases the connection if the consumer stopped early or the stream failed.
      request.abort();
    }
  }

  return { name: 'openai-compatible', isDemo: false, modelFor, stream };
}
