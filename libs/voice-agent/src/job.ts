import type { ThreadContextResponse } from '@confab/protocol';
import type { voice } from '@livekit/agents';
import { createThreadAgent, persistTurns, TurnPersister, type AgentLogger } from './agent';
import type { ChatServiceClient } from './chat-service-client';
import { parseJobMetadata } from './conversation';

/** Everything one voice job needs from the outside, so the flow can run without a room in tests. */
export interface VoiceJobDeps {
  client: Pick<ChatServiceClient, 'getContext' | 'postMessage' | 'setVoiceSession'>;
  logger: AgentLogger;
  historyLimit: number;
  /** Builds the session for this persona (real STT/LLM/TTS in the worker, FakeLLM in tests). */
  createSession: (context: ThreadContextResponse) => voice.AgentSession;
  /** Starts the session; the worker passes the room, tests start it without one. */
  startSession: (session: voice.AgentSession, agent: voice.Agent) => Promise<void>;
  roomName: string;
  /** Say the persona's greeting once the session runs (needs TTS; off in text-only tests). */
  greet?: boolean;
}

export type PreparedJob =
  | { ok: true; threadId: string; context: ThreadContextResponse }
  | { ok: false; reason: string };

/** Reads the dispatch metadata and loads the thread; refuses threads whose voice is off. */
export async function prepareJob(rawMetadata: string | undefined, deps: Pick<VoiceJobDeps, 'client'>): Promise<PreparedJob> {
  const metadata = parseJobMetadata(rawMetadata);
  if (!metadata.ok) return { ok: false, reason: metadata.reason };
  const context = await deps.client.getContext(metadata.value.threadId);
  if (context.thread.post_slug !== metadata.value.postSlug) return { ok: false, reason: 'the thread belongs to another post' };
  if (!context.persona.voice_enabled) return { ok: false, reason: 'voice is off for this agent' };
  return { ok: true, threadId: metadata.value.threadId, context };
}

export interface RunningVoiceJob {
  session: voice.AgentSession;
  persister: TurnPersister;
  /** Stop listening, wait for pending writes, mark the voice session ended. */
  finish: () => Promise<void>;
}

/** Starts the conversation: agent with persona + history, turn persistence, greeting. */
export async function runVoiceJob(prepared: Extract<PreparedJob, { ok: true }>, deps: VoiceJobDeps): Promise<RunningVoiceJob> {
  const { threadId, context } = prepared;
  const session = deps.createSession(context);
  const persister = new TurnPersister(deps.client, threadId, deps.logger);
  const detach = persistTurns(session, persister);
  await deps.startSession(session, createThreadAgent(context, deps.historyLimit));
  await markVoiceSession(deps, threadId, 'started');
  const greeting = context.persona.greeting.trim();
  if (deps.greet && greeting) session.say(greeting);
  deps.logger.info({ threadId, room: deps.roomName, historyTurns: context.history.length }, 'voice session started');

  let finished = false;
  return {
    session,
    persister,
    finish: async () => {
      if (finished) return;
      finished = true;
      detach();
      await persister.flush();
      await markVoiceSession(deps, threadId, 'ended');
    },
  };
}

async function markVoiceSession(deps: VoiceJobDeps, threadId: string, state: 'started' | 'ended'): Promise<void> {
  try {
    await deps.client.setVoiceSession(threadId, { state, room_name: deps.roomName });
  } catch (error) {
    // Bookkeeping only: the conversation works without it (the webhook also ends sessions).
    deps.logger.warn({ err: error, threadId, state }, 'could not record the voice session state');
  }
}
