import type { AgentPersona, Message, Usage } from '@confab/protocol';

/** What a provider yields: text as it is generated, then exactly one `done` (unless it throws or is aborted). */
export type AgentChunk =
  | { type: 'delta'; text: string }
  | { type: 'done'; finishReason: string; usage: Usage | null; model: string };

export interface AgentRequest {
  persona: AgentPersona;
  /** The conversation so far, oldest first, ending with the message being answered. */
  history: Message[];
  /** A post's conversation, where several people write (the agent addresses them by name), or one person's thread. */
  shared?: boolean;
  /** Aborted when someone presses stop or the server shuts down; the provider stops promptly. */
  signal: AbortSignal;
}

/**
 * Generates an agent's reply. Implementations stream; they throw `AgentProviderError`
 * (with a short reason a person can read) when the model fails, and stop without a `done`
 * chunk (or throw an AbortError) when the signal is aborted.
 */
export interface AgentProvider {
  readonly name: string;
  /** True for the built-in offline demo agent (the UI labels its replies "Demo agent"). */
  readonly isDemo: boolean;
  /** The model name stored on the reply before it starts streaming. */
  modelFor(persona: AgentPersona): string;
  stream(request: AgentRequest): AsyncIterable<AgentChunk>;
}

/**
 * A model failure; `reason` ends up in the reply's `finish_reason`, which every reader of the
 * conversation gets, so keep it short and specific and never quote the server: `detail` (what the
 * server said) goes to the log only.
 */
export class AgentProviderError extends Error {
  readonly detail: string | undefined;

  constructor(readonly reason: string, options?: { cause?: unknown; detail?: string }) {
    super(reason, options);
    this.name = 'AgentProviderError';
    this.detail = options?.detail;
  }
}
