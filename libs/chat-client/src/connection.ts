import { CloseCode } from '@confab/protocol';
import { RECONNECT_ATTEMPTS, reconnectDelay } from './backoff';
import { GAVE_UP_REASON, closeReasonWords, reconnectIntervalFor, shouldReconnectAfterClose } from './socket-policy';
import type { ConversationStore } from './store';
import { buildConversationSocketUrl, fetchWsTicket, type FetchLike } from './ticket';

/**
 * When and how a conversation's socket (re)connects, as react-use-websocket asks: a fresh ticket
 * for every attempt, the backoff between attempts, when to stop (sign-in needed, closed for good,
 * out of attempts), and the connection state the person sees meanwhile. The rules themselves are
 * pure (`socket-policy.ts`, `backoff.ts`); this keeps what they need to remember between calls.
 */

export interface ConnectionPolicyDeps {
  store: ConversationStore;
  conversationId: string;
  appType: string;
  productId?: string;
  isUnmounted: () => boolean;
  /** Whether an event comes from a socket react-use-websocket has already replaced. */
  isStale: (target: EventTarget | null) => boolean;
  /** The socket closed (or is being replaced): what was in flight on it is not any more. */
  onSocketGone: () => void;
  wait: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  fetchImpl: FetchLike;
}

export function createConnectionPolicy(deps: ConnectionPolicyDeps) {
  const { store } = deps;
  let signInRequired = false;
  let lastCloseCode: number | null = null;
  let lastFastRetryAt: number | null = null;

  const onClose = (event: CloseEvent): void => {
    if (deps.isStale(event.target)) return;
    lastCloseCode = event.code;
    deps.onSocketGone();
    if (deps.isUnmounted()) return;
    const { attempt, status } = store.getState().connection;
    const reconnecting = shouldReconnectAfterClose({ unmounted: false, signInRequired, closeCode: event.code });
    store.dispatch({
      type: 'connection',
      connection: {
        status: reconnecting ? 'reconnecting' : 'closed',
        attempt: reconnecting ? attempt : 0,
        nextRetryAt: null,
        reason: closeReasonWords(event.code, status === 'open'),
      },
    });
  };

  const shouldReconnect = (event: CloseEvent): boolean =>
    !deps.isStale(event.target) &&
    shouldReconnectAfterClose({ unmounted: deps.isUnmounted(), signInRequired, closeCode: event.code });

  /** Called by react-use-websocket with its 0-based attempt right before it schedules a reconnect. */
  const reconnectInterval = (attempt: number): number => {
    const at = deps.now();
    const delay = reconnectIntervalFor({
      attempt,
      lastCloseCode,
      sinceLastFastRetryMs: lastFastRetryAt === null ? null : at - lastFastRetryAt,
      random: deps.random,
    });
    if (lastCloseCode === CloseCode.SESSION_EXPIRED && delay === 0) lastFastRetryAt = at;
    if (!deps.isUnmounted()) {
      const { connection } = store.getState();
      store.dispatch({
        type: 'connection',
        connection: { status: 'reconnecting', attempt: attempt + 1, nextRetryAt: at + delay, reason: connection.reason },
      });
    }
    return delay;
  };

  /** Bumped by each manual reconnect: a ticket loop of an earlier one stops. */
  let generation = 0;

  const onReconnectStop = (): void => {
    if (deps.isUnmounted()) return;
    store.dispatch({
      type: 'connection',
      connection: { status: 'failed', attempt: RECONNECT_ATTEMPTS, nextRetryAt: null, reason: GAVE_UP_REASON },
    });
  };

  /**
   * react-use-websocket's async URL: a fresh ticket for every (re)connect. Ticket failures are
   * retried here with the same backoff (its own `retryOnError` would also double-schedule
   * reconnects on socket errors); a 401 stops for good and asks the person to sign in.
   */
  const getSocketUrl = async (): Promise<string> => {
    // A manual reconnect starts a new loop: this one, waiting out a backoff meanwhile, must then end
    // without a word, or its next failed ticket writes "Reconnecting…" over the new, healthy socket.
    const mine = generation;
    const gone = (): boolean => deps.isUnmounted() || mine !== generation;
    for (let attempt = 0; ; attempt += 1) {
      if (gone()) throw new Error('The conversation was closed or connects again.');
      const result = await fetchWsTicket(deps.fetchImpl);
      if (gone()) throw new Error('The conversation was closed or connects again.');
      if (result.ok) return buildConversationSocketUrl(result.ticket, deps.conversationId, deps.appType, deps.productId);
      if (result.kind === 'sign-in-required') {
        signInRequired = true;
        store.dispatch({ type: 'signInRequired' });
        throw new Error(result.message);
      }
      if (attempt + 1 >= RECONNECT_ATTEMPTS) {
        store.dispatch({
          type: 'connection',
          connection: { status: 'failed', attempt: RECONNECT_ATTEMPTS, nextRetryAt: null, reason: result.message },
        });
        throw new Error(result.message);
      }
      const delay = reconnectDelay(attempt, deps.random);
      store.dispatch({
        type: 'connection',
        connection: { status: 'reconnecting', attempt: attempt + 1, nextRetryAt: deps.now() + delay, reason: result.message },
      });
      await deps.wait(delay);
    }
  };

  /** Marks the manual reconnect; the hook then restarts react-use-websocket (which resets its count). */
  const beginManualReconnect = (): void => {
    generation += 1;
    signInRequired = false;
    lastCloseCode = null;
    deps.onSocketGone();
    store.dispatch({ type: 'connection', connection: { status: 'connecting', attempt: 0, nextRetryAt: null, reason: null } });
  };

  return { onClose, shouldReconnect, reconnectInterval, onReconnectStop, getSocketUrl, beginManualReconnect };
}
