import type { ThreadContextResponse } from '@confab/protocol';
import { llm, voice } from '@livekit/agents';
import type { ChatServiceClient } from './chat-service-client';
import { buildInstructions, historyToTurns, turnToMessageBody, type ConversationTurn } from './conversation';

/** The few logger methods we use; the framework's pino logger and a test logger both fit. */
export interface AgentLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The persona's instructions and the thread's history, as a LiveKit voice agent. */
export function createThreadAgent(context: ThreadContextResponse, historyLimit: number): voice.Agent {
  const chatCtx = llm.ChatContext.empty();
  for (const turn of historyToTurns(context.history, historyLimit)) {
    chatCtx.addMessage({ role: turn.role, content: turn.content });
  }
  return new voice.Agent({ instructions: buildInstructions(context.persona), chatCtx });
}

/**
 * Writes final turns into the thread, one at a time and in the order they were spoken (so their
 * seq order matches the conversation). A failed write is logged and does not stop later ones.
 */
export class TurnPersister {
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private failures = 0;

  constructor(
    private readonly client: Pick<ChatServiceClient, 'postMessage'>,
    private readonly threadId: string,
    private readonly logger: AgentLogger,
  ) {}

  persist(turn: ConversationTurn): void {
    const body = turnToMessageBody(turn);
    if (!body || this.queued.has(body.client_message_id)) return;
    this.queued.add(body.client_message_id);
    this.chain = this.chain.then(async () => {
      try {
        await this.client.postMessage(this.threadId, body);
      } catch (error) {
        this.failures += 1;
        this.logger.error({ err: error, threadId: this.threadId, clientMessageId: body.client_message_id }, 'could not store a voice turn');
      }
    });
  }

  /** Resolves when every turn handed over so far has been written (or given up on). */
  flush(): Promise<void> {
    return this.chain;
  }

  get failedWrites(): number {
    return this.failures;
  }
}

/**
 * `conversation_item_added` fires once per committed item: the person's final transcript and the
 * agent's reply as spoken (cut short if interrupted). Interim transcripts never reach it.
 */
export function persistTurns(session: voice.AgentSession, persister: TurnPersister): () => void {
  const onItem = (event: voice.ConversationItemAddedEvent) => {
    const item = event.item;
    if (item.type !== 'message') return;
    persister.persist({ id: item.id, role: item.role, text: item.textContent });
  };
  session.on(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
  return () => {
    session.off(voice.AgentSessionEventTypes.ConversationItemAdded, onItem);
  };
}
