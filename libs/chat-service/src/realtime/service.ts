import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CloseCode,
  HEARTBEAT_PONG,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_CHARS,
  MAX_READ_FRAME_BYTES,
  OUTBOX_CAPACITY,
  SYNC_PAGE_MAX_BYTES,
  type Message,
  type ServerFrame,
} from '@confab/protocol';
import type { ChatServiceConfig } from '../config';
import type { Access, Auth, ConversationRecord, Realtime, Store } from '../contracts';
import type { Logger } from '../logger';
import type { AgentProvider } from '../agents';
import type { TicketUses } from '../auth/ticket-uses';
import { admit, refusalFor, type Admission, type AdmissionDeps, type Refused } from './admission';
import { AgentReplies } from './agent-replies';
import { rejectUpgrade } from './refusals';
import type { Bus } from './bus';
import { ConversationCommands } from './commands';
import { ClientConnection, identityKey } from './connection';
import { clientMessageIdAtEnd, clientMessageIdOf, decodeIncoming, frameText, isOriginAllowed, parseUpgradeUrl, rawDataToBuffer, type UpgradeParams } from './frames';
import { ConversationHub, conversationEndedFrame } from './hub';
import { LivenessWatch } from './liveness';
import { ObservedConnection } from './observed-connection';
import type { RealtimeObserver } from './observer';
import type { SharedStreams } from './shared-streams';
import type { StopRelay } from './stop-relay';
import { ConnectionCounter, FrameRateLimiter, SYNC_BYTES_PER_ADDRESS, SYNC_PAGE_MIN_BYTES, SyncBudget, clientAddress, type FrameRateOptions } from './limits';
import type { MessageRateLimiter } from './rate-limit';
import type { SessionEnds } from './session-ends';
import { SessionWatch } from './session-watch';
import { PresenceBoard, type PresenceStore } from './presence';
import type { ReplyTurns } from './reply-turns';
import { TypingRelay } from './typing-relay';

export interface RealtimeServiceDeps {
  config: ChatServiceConfig;
  logger: Logger;
  store: Store;
  auth: Auth;
  access: Access;
  bus: Bus;
  ownsBus: boolean;
  rateLimiter: MessageRateLimiter;
  retryClaims: TicketUses;
  provider: AgentProvider;
  sessionCheckIntervalMs: number;
  streamIntervalMs?: number;
  persistIntervalMs?: number;
  /** Metrics hooks (src/metrics); none by default. */
  observer?: RealtimeObserver;
  /** Several instances (REDIS_URL): stop requests and replies in flight shared between them. */
  stopRelay?: StopRelay;
  sharedStreams?: SharedStreams;
  flushBus?: () => Promise<void>;
  sessionEnds?: SessionEnds;
  /** Where each instance's part of a conversation's presence is kept (in process, or Redis). */
  presenceStore: PresenceStore;
  /** Several instances: one reply at a time per conversation across all of them. */
  replyTurns?: ReplyTurns;
}

/** How long shutdown waits for sockets to close after GOING_AWAY before terminating them. */
const SHUTDOWN_CLOSE_WAIT_MS = 3_000;
/** The per-instance cap is a ConnectionCounter with a single key: every socket counts against the same slots. */
const INSTANCE_KEY = 'instance';
/** A connection that keeps sending after RATE_LIMIT answers is closed after this many refused frames in the window. */
const FRAME_STRIKE_WINDOW_MS = 10_000;

export class RealtimeService implements Realtime {
  // UTF-8 is checked per frame in onFrame: ws would close with 1007 instead of a typed error.
  // No permessage-deflate: broadcasts write prepared frames (text-frame.ts), which only holds uncompressed.
  // Frames over MAX_FRAME_BYTES are refused in words (onFrame); only past MAX_READ_FRAME_BYTES does ws close with 1009.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_READ_FRAME_BYTES, skipUTF8Validation: true, perMessageDeflate: false });
  private readonly hub: ConversationHub;
  private readonly replies: AgentReplies;
  private readonly typing = new TypingRelay((conversationId, frame) => this.publish(conversationId, frame));
  private readonly presence: PresenceBoard;
  private readonly commands: ConversationCommands;
  private readonly sessions: SessionWatch;
  private readonly log: Logger;
  private readonly perAddress: ConnectionCounter;
  private readonly perInstance: ConnectionCounter;
  private readonly admission: AdmissionDeps;
  private readonly frameRate: FrameRateOptions;
  private accepting = true;
  private shutdownPromise: Promise<void> | null = null;
  private readonly liveness: LivenessWatch;

  constructor(private readonly deps: RealtimeServiceDeps) {
    this.log = deps.logger.child({ component: 'realtime' });
    const limits = deps.config.ws;
    this.perAddress = new ConnectionCounter(limits.maxConnectionsPerAddress);
    this.perInstance = new ConnectionCounter(limits.maxConnections);
    this.admission = { auth: deps.auth, store: deps.store, access: deps.access, perIdentity: new ConnectionCounter(limits.maxConnectionsPerIdentity), log: this.log };
    this.frameRate = {
      perSecond: limits.frameRatePerS,
      burst: limits.frameBurst,
      // The browser client writes its whole outbox (up to OUTBOX_CAPACITY messages) plus a sync on
      // reconnect: the part over the burst is refused and re-queued, but must not cost the socket.
      maxStrikes: Math.max(limits.frameBurst, OUTBOX_CAPACITY),
      strikeWindowMs: FRAME_STRIKE_WINDOW_MS,
    };
    this.presence = new PresenceBoard({ store: deps.presenceStore, publish: (conversationId, frame) => this.publish(conversationId, frame), log: this.log });
    deps.bus.onFramesLost?.(() => this.presence.framesLost());
    this.hub = new ConversationHub(deps.bus, (frame, sockets) => {
      deps.observer?.frameSent(frame, sockets);
      if (frame.event === 'presence') this.presence.seen(frame);
    });
    this.replies = new AgentReplies({
      store: deps.store,
      provider: deps.provider,
      logger: deps.logger,
      publish: (conversationId, frame) => this.publish(conversationId, frame),
      streamIntervalMs: deps.streamIntervalMs,
      persistIntervalMs: deps.persistIntervalMs,
      stopRelay: deps.stopRelay,
      sharedStreams: deps.sharedStreams,
      replyTurns: deps.replyTurns,
      onStreamingChange: (count) => deps.observer?.repliesStreaming(count),
      flushPublished: deps.flushBus,
      keepAliveMs: deps.config.staleStreamAfterMs / 4,
      limits: deps.config.replyLimits,
      dbRetryMs: deps.config.replyDbRetryMs,
    });
    this.sessions = new SessionWatch(deps.auth, this.log, () => this.hub.all(), deps.sessionCheckIntervalMs);
    this.liveness = new LivenessWatch(() => this.hub.all(), deps.config.ws.pingIntervalMs);
    deps.sessionEnds?.listen((sessionId) => this.sessions.closeSession(sessionId));
    this.commands = new ConversationCommands({
      store: deps.store,
      rateLimiter: deps.rateLimiter,
      retryClaims: deps.retryClaims,
      replies: this.replies,
      typing: this.typing,
      publish: (conversationId, frame) => this.publish(conversationId, frame),
      observer: deps.observer,
      syncBudget: new SyncBudget(SYNC_BYTES_PER_ADDRESS, SYNC_PAGE_MAX_BYTES, SYNC_PAGE_MIN_BYTES),
      slowConsumerTimeoutMs: limits.slowConsumerTimeoutMs,
      isStopping: () => !this.accepting,
    });
  }

  // ---------- Realtime contract ----------

  publish(conversationId: string, frame: ServerFrame): void {
    this.deps.bus.publish(conversationId, frame);
  }

  endConversation(conversationId: string, message: string): void {
    this.replies.endConversation(conversationId);
    this.publish(conversationId, conversationEndedFrame(message));
  }

  startAgentReply(conversation: ConversationRecord, userMessage: Message): void {
    this.replies.start(conversation, userMessage);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.runShutdown();
    return this.shutdownPromise;
  }

  // ---------- connecting ----------

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const params = parseUpgradeUrl(req.url ?? '/');
    if (params.target.kind === 'not-a-socket') return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.accepting) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const origin = req.headers.origin;
    if (!isOriginAllowed(origin, this.deps.config.allowedOrigins)) {
      this.log.warn({ origin }, 'WebSocket upgrade refused: origin not allowed');
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    // The client may hang up while we check its ticket; without a listener that error would crash the process.
    const onEarlyError = (error: Error) => this.log.debug({ err: error }, 'socket error before upgrade');
    socket.on('error', onEarlyError);
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.deps.config.ws.trustProxy);
    const refused = this.takeSlots(socket, address);
    const admitted = refused ? Promise.resolve<Admission>(refused) : admit(this.admission, params, socket);
    void admitted.then((admission) => {
      socket.off('error', onEarlyError);
      if (!this.accepting) return rejectUpgrade(socket, 503, 'Service Unavailable');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onOpen(ws, socket, admission, params, address));
    });
  }

  /**
   * Slots are held from the upgrade request (so a flood of half-open upgrades counts) until the TCP
   * socket closes. The instance's slot is taken first: a full instance refuses without touching the
   * per-address counts, and a socket refused for its address still holds a descriptor until it closes.
   */
  private takeSlots(socket: Duplex, address: string): Refused | null {
    const releaseInstance = this.perInstance.acquire(INSTANCE_KEY);
    if (!releaseInstance) {
      this.log.warn({ max: this.perInstance.max }, 'WebSocket refused: this instance is at its connection cap');
      return { kind: 'server-full' };
    }
    socket.once('close', releaseInstance);
    const releaseAddress = this.perAddress.acquire(address);
    if (!releaseAddress) {
      this.log.warn({ address, max: this.perAddress.max }, 'WebSocket refused: too many connections from one address');
      return { kind: 'too-many-connections' };
    }
    socket.once('close', releaseAddress);
    return null;
  }

  private onOpen(ws: WebSocket, socket: Duplex, admission: Admission, params: UpgradeParams, address: string): void {
    if (admission.kind === 'admitted') return this.attach(ws, socket, admission, params, address);
    const { frame, closeCode, reason } = refusalFor(admission);
    // ws goes on reading until the close handshake ends: a frame it cannot accept in that time
    // (a reserved opcode, one over maxPayload) is an 'error' event, which without a listener
    // would take the whole process down.
    ws.on('error', (error) => this.log.debug({ err: error }, 'refused WebSocket broke the protocol'));
    this.deps.observer?.frameSent(frame, 1);
    ws.send(JSON.stringify(frame));
    ws.close(closeCode, reason);
  }

  private attach(ws: WebSocket, socket: Duplex, admission: Extract<Admission, { kind: 'admitted' }>, params: UpgradeParams, address: string): void {
    const { conversation, principal, canWrite } = admission;
    const connectionId = randomUUID();
    const log = this.log.child({ connectionId, conversationId: conversation.id });
    const connection = new ObservedConnection(connectionId, address, ws, socket, conversation, principal, canWrite, log, new FrameRateLimiter(this.frameRate, Date.now()));
    connection.observer = this.deps.observer;
    connection.deltaStreams = params.deltaStreams;
    log.info(
      { identity: principal ? identityKey(principal.identity) : 'anonymous', appType: params.appType, productId: params.productId, ticketParam: params.ticket?.param, canWrite, deltaStreams: params.deltaStreams },
      'WebSocket connected',
    );

    connection.send({
      event: 'connected',
      data: {
        connection_id: connectionId,
        conversation_id: conversation.id,
        identity: principal?.identity ?? null,
        last_seq: conversation.lastSeq,
        can_write: canWrite,
        server_time: new Date().toISOString(),
      },
    });
    this.deps.observer?.connectionOpened();
    this.hub.join(connection);
    this.presence.joined(connection);
    this.sessions.watch(connection);

    ws.on('message', (data, isBinary) => {
      connection.heardFrom = true;
      this.onFrame(connection, data, isBinary);
    });
    ws.on('pong', () => {
      connection.heardFrom = true;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') log.warn({ maxPayload: MAX_READ_FRAME_BYTES }, 'frame over the size limit: closing with 1009');
      else log.warn({ err: error }, 'WebSocket error');
    });
    ws.on('close', (code) => this.onClose(connection, code));
  }

  private onClose(connection: ClientConnection, code: number): void {
    this.sessions.forget(connection);
    this.hub.leave(connection);
    this.presence.left(connection);
    this.deps.observer?.connectionClosed(connection.id);
    const identity = connection.identity;
    // The person left (no other tab open here): their typing indicator must not linger.
    if (identity && !this.hub.hasIdentity(connection.conversation.id, identity)) this.typing.update(connection.conversation.id, identity, 'stop');
    connection.log.info({ code }, 'WebSocket closed');
  }

  // ---------- frames ----------

  private onFrame(connection: ClientConnection, data: RawData, isBinary: boolean): void {
    if (!this.withinFrameRate(connection, data, isBinary)) return;
    if (rawDataToBuffer(data).length > MAX_FRAME_BYTES) return this.refuseLargeFrame(connection, data, isBinary);
    const text = isBinary ? null : frameText(data);
    if (!isBinary && text === null) {
      connection.sendError({ code: 'VALIDATION_ERROR', message: 'Frame is not valid UTF-8.' });
      return;
    }
    const incoming = decodeIncoming(text, isBinary);
    this.deps.observer?.frameReceived(incoming);
    if (incoming.kind === 'heartbeat') {
      if (connection.isOpen) connection.ws.send(HEARTBEAT_PONG);
      return;
    }
    if (incoming.kind === 'invalid') {
      connection.log.debug({ code: incoming.code, problem: incoming.message }, 'rejected a frame');
      const clientMessageId = incoming.clientMessageId ? { client_message_id: incoming.clientMessageId } : {};
      if (incoming.clientMessageId) this.commands.refusedOnArrival(connection, incoming.clientMessageId);
      connection.sendError({ code: incoming.code, message: incoming.message, ...clientMessageId });
      return;
    }
    const frame = incoming.frame;
    switch (frame.event) {
      case 'ping':
        return connection.send({ event: 'pong', data: {} });
      case 'typing':
        return this.onTyping(connection, frame.data.state);
      default:
        this.commands.enqueue(connection, frame);
    }
  }

  /**
   * Every frame (heartbeats and bad frames included) takes a token. Over the rate the frame is dropped
   * and answered RATE_LIMIT (with the client_message_id of a dropped `next`, so the client re-queues
   * it); a client that keeps flooding is closed with TRY_AGAIN_LATER.
   */
  private withinFrameRate(connection: ClientConnection, data: RawData, isBinary: boolean): boolean {
    const decision = connection.frameRate.take(Date.now());
    if (decision.kind === 'accept') return true;
    if (decision.kind === 'close') {
      connection.log.warn('closing a connection that kept sending frames over the rate limit');
      connection.sendError({ code: 'RATE_LIMIT', message: 'Too many frames: closing. Reconnect later.', retry_after_s: 1 });
      connection.close(CloseCode.TRY_AGAIN_LATER, 'Too many frames');
      return false;
    }
    const bytes = rawDataToBuffer(data);
    // A frame too large to parse is searched, not parsed, for the id of the message it carries.
    const text = isBinary || bytes.length > MAX_FRAME_BYTES ? null : frameText(data);
    const clientMessageId = text === null ? (isBinary ? undefined : clientMessageIdAtEnd(bytes)) : clientMessageIdOf(text);
    // The client sends it again after the wait: the messages after it must not overtake it meanwhile.
    if (clientMessageId) this.commands.droppedOnArrival(connection, clientMessageId, decision.retryAfterS);
    connection.sendError({
      code: 'RATE_LIMIT',
      message: `Too many frames. Try again in ${decision.retryAfterS} s.`,
      retry_after_s: decision.retryAfterS,
      ...(clientMessageId ? { client_message_id: clientMessageId } : {}),
    });
    return false;
  }

  /** A frame over MAX_FRAME_BYTES: a message that long is MESSAGE_TOO_LONG (naming it, so the client marks it failed). */
  private refuseLargeFrame(connection: ClientConnection, data: RawData, isBinary: boolean): void {
    const clientMessageId = isBinary ? undefined : clientMessageIdAtEnd(rawDataToBuffer(data));
    if (clientMessageId) {
      this.commands.refusedOnArrival(connection, clientMessageId);
      connection.sendError({ code: 'MESSAGE_TOO_LONG', message: `Messages can be at most ${MAX_MESSAGE_CHARS} characters.`, client_message_id: clientMessageId });
    } else {
      connection.sendError({ code: 'VALIDATION_ERROR', message: `Frames can be at most ${MAX_FRAME_BYTES} bytes.` });
    }
  }

  // ---------- typing ----------

  private onTyping(connection: ClientConnection, state: 'start' | 'stop'): void {
    const identity = connection.identity;
    // Only people who can post can be "typing"; anonymous readers and visitors on posts are ignored.
    if (!identity || !connection.canWrite) return;
    this.typing.update(connection.conversation.id, identity, state);
  }

  // ---------- shutdown ----------

  private async runShutdown(): Promise<void> {
    this.accepting = false;
    this.liveness.stop();
    this.sessions.stop();
    // Replies in flight end `interrupted` and their `done` frames go out before the sockets close.
    await this.replies.shutdown();
    this.typing.clear();
    // The other instances' sockets stop counting this one's at once (before its sockets close).
    await this.presence.stop();

    const connections = this.hub.all();
    const closed = connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.ws.readyState === connection.ws.CLOSED) return resolve();
          connection.ws.once('close', () => resolve());
          connection.close(CloseCode.GOING_AWAY, 'Server is restarting');
        }),
    );
    const waited = await Promise.race([
      Promise.all(closed).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), SHUTDOWN_CLOSE_WAIT_MS).unref()),
    ]);
    if (!waited) for (const connection of connections) connection.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.deps.ownsBus) await this.deps.bus.close();
    this.log.info({ connections: connections.length }, 'realtime layer shut down');
  }
}

