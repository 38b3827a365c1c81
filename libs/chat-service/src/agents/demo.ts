import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentPersona, Message } from '@confab/protocol';
import { countTokens, splitIntoTokens } from './tokens';
import type { AgentChunk, AgentProvider, AgentRequest } from './types';

export const DEMO_MODEL = 'demo';
const QUOTE_MAX_CHARS = 280;

/** The newest message a person (not an agent or the system) wrote. */
function lastHumanMessage(history: Message[]): Message | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i]!;
    if (message.author.kind === 'user' || message.author.kind === 'visitor') return message;
  }
  return undefined;
}

function withoutMention(text: string, handle: string): string {
  const escaped = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Line breaks stay: a quoted list or code block keeps its shape (it became one long line).
  return text
    .replace(new RegExp(`@${escaped}(?![A-Za-z0-9_-])`, 'gi'), '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trimEnd())
    .join('\n')
    .trim();
}

/** A name as text in markdown: `*`, `_`, `[` and the like in it show as themselves. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/**
 * A name someone chose, held apart from the sentence around it (Unicode's first-strong isolate,
 * FSI … PDI): a Hebrew or Arabic name reads right to left inside an English sentence without
 * pulling the punctuation and words next to it over to its side. It cannot decide which way the
 * sentence reads when it comes first (a browser's `dir="auto"` looks inside isolates too), so
 * sentences here never start with one. Display names cannot hold isolates themselves (the
 * protocol refuses them), so nothing in a name can end this one early.
 */
function isolated(name: string): string {
  return `\u2068${name}\u2069`;
}

function quote(text: string): string {
  const short = text.length > QUOTE_MAX_CHARS ? `${text.slice(0, QUOTE_MAX_CHARS - 1).trimEnd()}…` : text;
  return short
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * The demo agent's whole reply, decided from the conversation alone (no randomness, no
 * network), so tests and offline demos see the same words every time.
 */
export function composeDemoReply(persona: AgentPersona, history: Message[], shared = false): string {
  const intro = `Hi, I'm **${persona.name}** — the demo agent (no language model is configured on this server).`;
  const last = lastHumanMessage(history);
  const said = last ? withoutMention(last.content, persona.handle) : '';
  if (!said) return `${intro}\n\n${persona.greeting || 'Ask me anything and I will answer here.'}`;

  const isQuestion = /\?\s*$/.test(said);
  const words = countTokens(said);
  const guidance = isQuestion
    ? 'That is a good question. A real model would answer it here; I can only show how the conversation flows:'
    : 'Thanks for writing. A real model would reply to this; meanwhile, here is what I noticed:';
  // Everyone reads a post's replies: "you said" would name each reader, not the writer. The
  // writer's name is never first in a sentence, so it cannot turn an English sentence right to left.
  const writer = shared && last ? `**${isolated(escapeMarkdown(last.author.display_name))}**` : 'you';
  const notes = [
    `- The message has **${words}** ${words === 1 ? 'word' : 'words'}${isQuestion ? ' and asks a question' : ''}.`,
    `- This reply streams word by word, so you can press **Stop** at any time.`,
    `- Set \`OPENAI_BASE_URL\` to talk to a real model.`,
  ];
  return `${intro}\n\nHere is what ${writer} said:\n\n${quote(said)}\n\n${guidance}\n\n${notes.join('\n')}`;
}

function estimatePromptTokens(persona: AgentPersona, history: Message[]): number {
  return countTokens(persona.instructions) + history.reduce((sum, m) => sum + countTokens(m.content), 0);
}

/** Waits between tokens; with no delay still yields to the event loop so stop frames get through. */
async function pause(delayMs: number, signal: AbortSignal): Promise<void> {
  if (delayMs > 0) await sleep(delayMs, undefined, { signal });
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The built-in offline agent: deterministic, streamed word by word, model "demo". */
export function createDemoAgent(options: { tokenDelayMs: number }): AgentProvider {
  return {
    name: 'demo',
    isDemo: true,
    modelFor: () => DEMO_MODEL,
    async *stream({ persona, history, shared = false, signal }: AgentRequest): AsyncIterable<AgentChunk> {
      const reply = composeDemoReply(persona, history, shared);
      let completionTokens = 0;
      for (const token of splitIntoTokens(reply)) {
        await pause(options.tokenDelayMs, signal);
        if (signal.aborted) return;
        completionTokens += countTokens(token);
        yield { type: 'delta', text: token };
      }
      yield {
        type: 'done',
        finishReason: 'stop',
        model: DEMO_MODEL,
        usage: { prompt_tokens: estimatePromptTokens(persona, history), completion_tokens: completionTokens },
      };
    },
  };
}
