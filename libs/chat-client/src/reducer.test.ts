import { MAX_MESSAGE_CHARS, TYPING_AUTO_STOP_MS, type Identity, type ServerFrame } from '@confab/protocol';
import { conversationReducer, createInitialState, type ConversationAction, type ConversationStoreState } from './reducer';
import { withStreamedText } from './streamed-text';
import { checkSendable, isStreamGap, resyncAfterSeq, retryableReply, streamingReply } from './selectors';
import { CONVERSATION_ID, ME, OTHER, T0, agentMessage, cid, frames, message, uuid } from './test-fixtures';
import type { ChatMessage } from './types';

const reduceAll = (state: ConversationStoreState, actions: ConversationAction[]): ConversationStoreState =>
  actions.reduce(conversationReducer, state);
const frame = (f: ServerFrame, now = T0): ConversationAction => ({ type: 'frame', frame: f, now });
/** The messages as they read now, streamed text included. */
const shown = (state: ConversationStoreState): ChatMessage[] => withStreamedText(state).messages;
const local = (n: number, status: 'queued' | 'sending' = 'sending'): ConversationAction => ({
  type: 'localAdded',
  entry: { client_message_id: cid(n), content: `mine ${n}`, created_at: new Date(T0).toISOString() },
  status,
});
const fresh = (): ConversationStoreState => createInitialState({ conversationId: CONVERSATION_ID });
/** Connected, synced up to `lastSeq`, with messages 1..lastSeq from Grace. */
function connectedWith(lastSeq: number): ConversationStoreState {
  const history = Array.from({ length: lastSeq }, (_, i) => message(i + 1));
  return reduceAll(fresh(), [
    frame(frames.connected(lastSeq)),
    { type: 'syncRequested', afterSeq: 0 },
    frame(frames.sync(history, lastSeq)),
  ]);
}
const keys = (s: ConversationStoreState): string[] => s.messages.map((m) => m.key);
const only = (s: ConversationStoreState, predicate: (m: ChatMessage) => boolean): ChatMessage[] => s.messages.filter(predicate);

describe('conversationReducer', () => {
  describe('initial state', () => {
    it('renders server-provided history sorted by seq, contiguous from its first seq', () => {
      const state = createInitialState({
        conversationId: CONVERSATION_ID,
        initialMessages: [message(53), message(51), message(52)],
        initialHasOlder: true,
      });
      expect(state.messages.map((m) => m.seq)).toEqual([51, 52, 53]);
      expect(state.lastSeq).toBe(53);
      expect(state.hasOlder).toBe(true);
      expect(state.connection.status).toBe('connecting');
    });

    it('starts at lastSeq 0 with no history', () => {
      expect(fresh().lastSeq).toBe(0);
    });
  });

  describe('unanswered', () => {
    it('offers Try again on my question once the server says its reply never started, and no longer once a reply comes', () => {
      const question = message(2, { author: { kind: ME.kind, id: ME.id, display_name: ME.display_name } });
      const asked = reduceAll(fresh(), [frame(frames.connected(1)), frame(frames.message(message(1))), frame(frames.message(question))]);
      expect(retryableReply(asked.messages, asked.unanswered)).toBeNull();
      const told = conversationReducer(asked, frame({ event: 'unanswered', data: { message_id: question.id } }));
      expect(retryableReply(told.messages, told.unanswered)?.id).toBe(question.id);
      const answered = conversationReducer(told, frame(frames.message(agentMessage(3, { status: 'streaming' }))));
      expect(retryableReply(answered.messages, answered.unanswered)).toBeNull();
    });

    it("keeps my offer when the server says someone else's question went unanswered too (a post: the frame goes to everyone)", () => {
      const mine = message(2, { author: { kind: ME.kind, id: ME.id, display_name: ME.display_name } });
      const theirs = message(1);
      const asked = reduceAll(fresh(), [frame(frames.connected(1)), frame(frames.message(theirs)), frame(frames.message(mine))]);
      const told = reduceAll(asked, [frame({ event: 'unanswered', data: { message_id: mine.id } }), frame({ event: 'unanswered', data: { message_id: theirs.id } })]);
      expect(retryableReply(told.messages, told.unanswered)?.id).toBe(mine.id);
    });
  });

  describe('connected', () => {
    it('records identity and write permission and opens the connection', () => {
      const state = conversationReducer(fresh(), frame(frames.connected(4, { can_write: false })));
      expect(state.identity).toEqual(ME);
      expect(state.canWrite).toBe(false);
      expect(state.connection).toEqual({ status: 'open', attempt: 0, nextRetryAt: null, reason: null });
    });

    it('gives local bubbles written before we knew who we are our name', () => {
      const state = reduceAll(fresh(), [local(1, 'queued'), frame(frames.connected(0))]);
      expect(state.messages[0]?.author).toEqual({ kind: 'user', id: ME.id, display_name: 'Ada' });
    });

    it('marks stored messages by the same identity as ours once it knows who we are', () => {
      const start = createInitialState({
        conversationId: CONVERSATION_ID,
        initialMessages: [message(1, { author: { kind: 'user', id: ME.id, display_name: 'Ada' } }), message(2)],
      });
      expect(start.messages.map((m) => m.mine)).toEqual([false, false]);
      const state = conversationReducer(start, frame(frames.connected(2)));
      expect(state.messages.map((m) => m.mine)).toEqual([true, false]);
    });
  });

  describe('our own messages: ack and broadcast never make two bubbles', () => {
    const mineStored = (seq: number, n: number) =>
      message(seq, { client_message_id: cid(n), author: { kind: 'user', id: ME.id, display_name: 'Ada' }, content: `mine ${n}` });

    it('ack then broadcast: one message, keyed by server id, complete', () => {
      const state = reduceAll(connectedWith(2), [local(1), frame(frames.ack(cid(1), 3)), frame(frames.message(mineStored(3, 1)))]);
      expect(keys(state)).toEqual([uuid(1), uuid(2), uuid(3)]);
      expect(state.messages[2]).toMatchObject({ id: uuid(3), seq: 3, status: 'complete', mine: true, client_message_id: cid(1) });
      expect(state.lastSeq).toBe(3);
    });

    it('broadcast then ack: still one message', () => {
      const state = reduceAll(connectedWith(2), [local(1), frame(frames.message(mineStored(3, 1))), frame(frames.ack(cid(1), 3))]);
      expect(only(state, (m) => m.content === 'mine 1')).toHaveLength(1);
      expect(state.messages).toHaveLength(3);
    });

    it('the same message delivered twice (live and again in a sync) stays one', () => {
      const state = reduceAll(connectedWith(2), [
        frame(frames.message(message(3))),
        { type: 'syncRequested', afterSeq: 2 },
        frame(frames.sync([message(3)], 3)),
      ]);
      expect(keys(state)).toEqual([uuid(1), uuid(2), uuid(3)]);
    });

    it('sorts stored messages by seq and keeps unacked local ones after them in send order', () => {
      const state = reduceAll(connectedWith(1), [local(1), local(2), frame(frames.message(message(2)))]);
      expect(state.messages.map((m) => m.key)).toEqual([uuid(1), uuid(2), cid(1), cid(2)]);
      expect(state.messages.map((m) => m.status)).toEqual(['complete', 'complete', 'sending', 'sending']);
    });

    it('a message with seq lower than one shown is placed by seq, not arrival', () => {
      const state = reduceAll(fresh(), [frame(frames.message(message(5))), frame(frames.message(message(4)))]);
      expect(state.messages.map((m) => m.seq)).toEqual([4, 5]);
    });
  });

  describe('streaming agent replies', () => {
    it('replaces content with the cumulative content (a repeated frame does not double text)', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.message(agentMessage(2))),
        frame(frames.stream(2, 'Hel', 'Hel')),
        frame(frames.stream(2, 'Hello', 'lo')),
        frame(frames.stream(2, 'Hello', 'lo')),
      ]);
      expect(shown(state)[1]).toMatchObject({ content: 'Hello', status: 'streaming' });
    });

    it('remembers who asked for a reply, from its message or its first stream frame, through later copies without it', () => {
      const asker = { kind: 'user' as const, id: OTHER.id };
      const fromMessage = reduceAll(connectedWith(1), [frame(frames.message(agentMessage(2, { asked_by: asker }))), frame(frames.streamDelta(2, 'Hi', 0))]);
      expect(fromMessage.messages[1]?.askedBy).toEqual(asker);

      const withAsker: ServerFrame = { event: 'stream', data: { message_id: uuid(2), conversation_id: CONVERSATION_ID, seq: 2, delta: 'Hi', offset: 0, content: 'Hi', asked_by: asker } };
      const lateJoiner = reduceAll(connectedWith(1), [frame(withAsker)]);
      expect(lateJoiner.messages[1]?.askedBy).toEqual(asker);
      // A sync page's stored copy (history never says who asked) keeps it.
      const afterSync = reduceAll(lateJoiner, [frame(frames.sync([agentMessage(2, { content: 'Hi there' })], 2))]);
      expect(afterSync.messages[1]).toMatchObject({ content: 'Hi there', askedBy: asker });
    });

    it('appends delta-only frames at their offset; a repeated one does not double text', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.stream(2, 'Hel', 'Hel')),
        frame(frames.streamDelta(2, 'lo', 3)),
        frame(frames.streamDelta(2, 'lo', 3)),
        frame(frames.streamDelta(2, ' world', 5)),
      ]);
      expect(shown(state)[1]).toMatchObject({ content: 'Hello world', status: 'streaming' });
    });

    it('a delta-only frame for a reply whose text we lack, or past its end, changes nothing', () => {
      const joinedLate = reduceAll(connectedWith(1), [frame(frames.streamDelta(2, 'lo', 3))]);
      expect(joinedLate.messages).toHaveLength(1);
      const ahead = reduceAll(connectedWith(1), [frame(frames.stream(2, 'Hel')), frame(frames.streamDelta(2, 'world', 6))]);
      expect(shown(ahead)[1]?.content).toBe('Hel');
    });

    it('a snapshot ahead of the live frames is kept, and the deltas it already holds are skipped', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.stream(2, 'Hel', 'Hel')),
        frame(frames.stream(2, 'Hello wor')),
        frame(frames.streamDelta(2, 'lo', 3)),
        frame(frames.streamDelta(2, ' world', 5)),
        frame(frames.streamDelta(2, '!', 11)),
      ]);
      expect(shown(state)[1]?.content).toBe('Hello world!');
    });

    it("a token of a streaming reply leaves the thread's message list as it is; the text reads through the state", () => {
      const started = reduceAll(connectedWith(1), [frame(frames.stream(2, 'Hel', 'Hel'))]);
      const state = reduceAll(started, [frame(frames.streamDelta(2, 'lo', 3)), frame(frames.streamDelta(2, ' world', 5))]);
      // No copy of the whole list per token (it was half of what a streaming page allocated).
      expect(state.messages).toBe(started.messages);
      expect(shown(state)[1]).toMatchObject({ content: 'Hello world', status: 'streaming' });
    });

    it('the next frame of another kind reads the streamed text: an older stored copy does not roll it back, done replaces it', () => {
      const streamed = reduceAll(connectedWith(1), [frame(frames.stream(2, 'Hel', 'Hel')), frame(frames.streamDelta(2, 'lo world', 3))]);
      const olderCopy = reduceAll(streamed, [frame(frames.message(agentMessage(2, { content: 'Hello' })))]);
      expect(olderCopy.messages[1]).toMatchObject({ content: 'Hello world', status: 'streaming' });
      const done = reduceAll(streamed, [frame(frames.done(2, 'Hello world!'))]);
      expect(done.messages[1]).toMatchObject({ content: 'Hello world!', status: 'complete' });
      expect(shown(done)[1]?.content).toBe('Hello world!');
    });

    it('a lost frame is told from the streamed text, not from the text the list held when the reply started', () => {
      const state = reduceAll(connectedWith(1), [frame(frames.stream(2, 'Hel', 'Hel')), frame(frames.streamDelta(2, 'lo', 3))]);
      const next = { message_id: uuid(2), conversation_id: CONVERSATION_ID, seq: 2 };
      expect(isStreamGap(state, { ...next, delta: ' world', offset: 5 })).toBe(false);
      expect(isStreamGap(state, { ...next, delta: 'world', offset: 6 })).toBe(true);
    });

    it('creates the agent bubble from a stream frame when we joined late', () => {
      const state = reduceAll(connectedWith(1), [frame(frames.stream(2, 'Half a repl', 'repl'))]);
      expect(state.messages).toHaveLength(2);
      expect(state.messages[1]).toMatchObject({ id: uuid(2), seq: 2, author: { kind: 'agent' }, content: 'Half a repl', status: 'streaming' });
      expect(state.lastSeq).toBe(2);
    });

    it('done finalizes with status, content, usage and model', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.message(agentMessage(2))),
        frame(frames.stream(2, 'Hi')),
        frame(frames.done(2, 'Hi there')),
      ]);
      expect(state.messages[1]).toMatchObject({
        content: 'Hi there',
        status: 'complete',
        model: 'demo',
        finish_reason: 'stop',
        usage: { prompt_tokens: 3, completion_tokens: 5 },
      });
    });

    it('a stale stream or streaming copy after done does not reopen the reply', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.message(agentMessage(2))),
        frame(frames.done(2, 'Final answer', 'stopped')),
        frame(frames.stream(2, 'Final')),
        frame(frames.message(agentMessage(2, { content: 'Fin' }))),
      ]);
      expect(state.messages[1]).toMatchObject({ content: 'Final answer', status: 'stopped' });
    });

    it('a sync row older than the live stream does not shorten the text', () => {
      const state = reduceAll(connectedWith(1), [
        frame(frames.stream(2, 'Already this much')),
        frame(frames.sync([agentMessage(2, { content: 'Already' })], 2)),
      ]);
      expect(state.messages[1]?.content).toBe('Already this much');
    });
  });

  describe('seq gaps', () => {
    it('lastSeq advances only over contiguous seqs and a gap asks for a resync from lastSeq', () => {
      const state = reduceAll(connectedWith(3), [frame(frames.message(message(6)))]);
      expect(state.lastSeq).toBe(3);
      expect(state.messages.map((m) => m.seq)).toEqual([1, 2, 3, 6]); // shown, not hidden
      expect(resyncAfterSeq(state)).toBe(3);
    });

    it('a reply first heard of by its stream frames, beyond a gap, asks for the resync too', () => {
      let state = reduceAll(connectedWith(3), [frame(frames.stream(6, 'Half'))]);
      expect({ lastSeq: state.lastSeq, resync: resyncAfterSeq(state) }).toEqual({ lastSeq: 3, resync: 3 });
      state = reduceAll(state, [frame(frames.stream(6, 'Half a reply'))]);
      expect({ lastSeq: state.lastSeq, resync: resyncAfterSeq(state), content: shown(state).at(-1)?.content }).toEqual({
        lastSeq: 3,
        resync: 3,
        content: 'Half a reply',
      });
    });

    it('no resync is asked while one is in flight, and the last sync page closes the gap', () => {
      let state = reduceAll(connectedWith(3), [frame(frames.message(message(6))), { type: 'syncRequested', afterSeq: 3 }]);
      expect(resyncAfterSeq(state)).toBeNull();
      state = conversationReducer(state, frame(frames.sync([message(4)], 6, true)));
      expect(state.lastSeq).toBe(4);
      expect(resyncAfterSeq(state)).toBeNull();
      state = conversationReducer(state, frame(frames.sync([message(5), message(6)], 6, false)));
      expect(state.lastSeq).toBe(6);
      expect(state.syncInFlight).toBe(false);
      expect(resyncAfterSeq(state)).toBeNull();
    });

    it('connected with a higher last_seq than ours is a gap too', () => {
      const state = conversationReducer(connectedWith(2), frame(frames.connected(9)));
      expect(resyncAfterSeq(state)).toBe(2);
    });

    it('contiguous messages need no resync', () => {
      const state = reduceAll(connectedWith(3), [frame(frames.message(message(4))), frame(frames.message(message(5)))]);
      expect(state.lastSeq).toBe(5);
      expect(resyncAfterSeq(state)).toBeNull();
    });

    it('no resync is asked while disconnected (the next connected syncs anyway)', () => {
      const state = reduceAll(connectedWith(3), [
        { type: 'connection', connection: { status: 'reconnecting', attempt: 1, nextRetryAt: null, reason: null } },
        frame(frames.message(message(7))),
      ]);
      expect(resyncAfterSeq(state)).toBeNull();
    });
  });

  describe('typing', () => {
    it('shows others typing until TYPING_AUTO_STOP_MS without a refresh', () => {
      let state = reduceAll(connectedWith(0), [frame(frames.typing(OTHER, 'start'), T0)]);
      expect(state.typing).toEqual([{ who: OTHER, until: T0 + TYPING_AUTO_STOP_MS }]);
      state = conversationReducer(state, { type: 'tick', now: T0 + TYPING_AUTO_STOP_MS - 1 });
      expect(state.typing).toHaveLength(1);
      state = conversationReducer(state, { type: 'tick', now: T0 + TYPING_AUTO_STOP_MS });
      expect(state.typing).toEqual([]);
    });

    it('a refresh extends, stop removes, and one person is listed once', () => {
      let state = reduceAll(connectedWith(0), [frame(frames.typing(OTHER, 'start'), T0), frame(frames.typing(OTHER, 'start'), T0 + 3000)]);
      expect(state.typing).toEqual([{ who: OTHER, until: T0 + 3000 + TYPING_AUTO_STOP_MS }]);
      state = conversationReducer(state, frame(frames.typing(OTHER, 'stop')));
      expect(state.typing).toEqual([]);
    });

    it('never lists ourselves', () => {
      const state = conversationReducer(connectedWith(0), frame(frames.typing(ME, 'start')));
      expect(state.typing).toEqual([]);
    });

    it('a message from the typist ends their indicator', () => {
      const state = reduceAll(connectedWith(0), [frame(frames.typing(OTHER, 'start')), frame(frames.message(message(1)))]);
      expect(state.typing).toEqual([]);
    });

    it('a tick with nothing to expire returns the same state (no render)', () => {
      const state = connectedWith(1);
      expect(conversationReducer(state, { type: 'tick', now: T0 })).toBe(state);
    });

    it('a tick while a reply streams returns the same state too: its text stays apart from the list', () => {
      const state = reduceAll(connectedWith(0), [frame(frames.message(agentMessage(1, { content: 'Once' }))), frame(frames.streamDelta(1, ' upon', 4))]);
      expect(conversationReducer(state, { type: 'tick', now: T0 })).toBe(state);
    });
  });

  describe('presence', () => {
    const presence = (version: number, people: Identity[]): ServerFrame => ({ event: 'presence', data: { conversation_id: CONVERSATION_ID, version, people, people_count: people.length, guests: 0 } });

    it('keeps the newest presence: a frame with a lower version (another instance\'s, crossing) changes nothing', () => {
      const state = reduceAll(connectedWith(0), [frame(presence(2, [ME, OTHER])), frame(presence(1, [ME]))]);
      expect(state.presence?.people).toEqual([ME, OTHER]);
      expect(state.presence?.version).toBe(2);
    });

    it('starts again with a new socket (its versions are its own)', () => {
      const before = reduceAll(connectedWith(0), [frame(presence(7, [ME, OTHER]))]);
      const reconnected = reduceAll(before, [frame(frames.connected(0)), frame(presence(1, [ME]))]);
      expect(reconnected.presence?.people).toEqual([ME]);
    });
  });

  describe('errors', () => {
    it('RATE_LIMIT sets error.until and puts the message back in the queue', () => {
      const state = reduceAll(connectedWith(0), [
        local(1),
        frame(frames.error('RATE_LIMIT', { retry_after_s: 42, client_message_id: cid(1) }), T0),
      ]);
      expect(state.error).toEqual({
        code: 'RATE_LIMIT',
        message: "You're sending messages too fast. Try again in 42 s.",
        until: T0 + 42_000,
      });
      expect(state.messages[0]).toMatchObject({ key: cid(1), status: 'queued', error: null });
    });

    it('the rate limit clears itself when its time has passed', () => {
      let state = reduceAll(connectedWith(0), [frame(frames.error('RATE_LIMIT', { retry_after_s: 2 }), T0)]);
      state = conversationReducer(state, { type: 'tick', now: T0 + 1999 });
      expect(state.error?.code).toBe('RATE_LIMIT');
      state = conversationReducer(state, { type: 'tick', now: T0 + 2000 });
      expect(state.error).toBeNull();
    });

    it('an error about one of our messages marks that message failed, with the reason', () => {
      const state = reduceAll(connectedWith(0), [
        local(1),
        local(2),
        frame(frames.error('VALIDATION_ERROR', { client_message_id: cid(2), message: 'A message cannot be empty.' })),
      ]);
      expect(state.messages.map((m) => m.status)).toEqual(['sending', 'failed']);
      expect(state.messages[1]?.error).toEqual({ code: 'VALIDATION_ERROR', message: 'A message cannot be empty.' });
      expect(state.error).toBeNull();
    });

    it('an error about nothing in particular is shown conversation-wide', () => {
      const state = conversationReducer(connectedWith(0), frame(frames.error('INTERNAL_ERROR', { message: 'Oops.' })));
      expect(state.error).toEqual({ code: 'INTERNAL_ERROR', message: 'Oops.', until: null });
    });
  });

  describe('local messages and connection changes', () => {
    it('losing the connection turns sending messages back into queued ones', () => {
      const state = reduceAll(connectedWith(0), [
        local(1),
        { type: 'connection', connection: { status: 'reconnecting', attempt: 1, nextRetryAt: T0 + 1000, reason: 'Connection lost.' } },
      ]);
      expect(state.messages[0]?.status).toBe('queued');
      expect(state.connection.status).toBe('reconnecting');
    });

    it('restored outbox entries show as queued, in order, mine', () => {
      const state = conversationReducer(fresh(), {
        type: 'outboxRestored',
        entries: [1, 2].map((n) => ({ client_message_id: cid(n), content: `mine ${n}`, created_at: new Date(T0).toISOString() })),
      });
      expect(state.messages.map((m) => [m.key, m.status, m.mine])).toEqual([
        [cid(1), 'queued', true],
        [cid(2), 'queued', true],
      ]);
    });

    it('localSending marks queued messages sending; localFailed and localDiscarded act on one message', () => {
      let state = reduceAll(fresh(), [local(1, 'queued'), local(2, 'queued'), { type: 'localSending', clientMessageIds: [cid(1), cid(2)] }]);
      expect(state.messages.map((m) => m.status)).toEqual(['sending', 'sending']);
      state = conversationReducer(state, { type: 'localFailed', clientMessageId: cid(1), error: { code: 'INTERNAL_ERROR', message: 'x' } });
      expect(state.messages[0]?.status).toBe('failed');
      state = conversationReducer(state, { type: 'localDiscarded', clientMessageId: cid(1) });
      expect(keys(state)).toEqual([cid(2)]);
    });

    it('signInRequired closes the connection and says why', () => {
      const state = conversationReducer(connectedWith(0), { type: 'signInRequired' });
      expect(state.signInRequired).toBe(true);
      expect(state.connection.status).toBe('closed');
      expect(state.connection.reason).toMatch(/sign in/i);
    });
  });

  describe('history pages', () => {
    it('merges older messages in front and updates hasOlder', () => {
      const start = createInitialState({
        conversationId: CONVERSATION_ID,
        initialMessages: [message(51), message(52)],
        initialHasOlder: true,
      });
      const state = conversationReducer(start, {
        type: 'historyLoaded',
        history: { messages: [message(49), message(50)], has_more: false, last_seq: 52 },
      });
      expect(state.messages.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
      expect(state.hasOlder).toBe(false);
      expect(state.lastSeq).toBe(52);
    });
  });
});

describe('checkSendable', () => {
  const base = { now: T0, outboxFull: false, outboxCapacity: 100 };
  const state = connectedWith(0);

  it('refuses an empty or blank message', () => {
    expect(checkSendable({ ...base, text: '   \n', state })).toEqual({ ok: false, reason: 'Write a message first.' });
  });

  it(`refuses over ${MAX_MESSAGE_CHARS} characters, saying how many`, () => {
    const result = checkSendable({ ...base, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1), state });
    expect(result).toEqual({ ok: false, reason: 'A message can be at most 10,000 characters (this one has 10,001).' });
    expect(checkSendable({ ...base, text: 'x'.repeat(MAX_MESSAGE_CHARS), state }).ok).toBe(true);
  });

  it('counts an emoji as one character, as the server does (10,000 emoji are 20,000 UTF-16 units)', () => {
    expect(checkSendable({ ...base, text: '😀'.repeat(MAX_MESSAGE_CHARS), state }).ok).toBe(true);
    const over = checkSendable({ ...base, text: `${'😀'.repeat(MAX_MESSAGE_CHARS)}a`, state });
    expect(over).toEqual({ ok: false, reason: 'A message can be at most 10,000 characters (this one has 10,001).' });
  });

  it('refuses while rate-limited, with the seconds left', () => {
    const limited: ConversationStoreState = { ...state, error: { code: 'RATE_LIMIT', message: '', until: T0 + 4_200 } };
    expect(checkSendable({ ...base, text: 'hi', state: limited })).toEqual({
      ok: false,
      reason: "You're sending messages too fast. Try again in 5 s.",
    });
    expect(checkSendable({ ...base, now: T0 + 4_200, text: 'hi', state: limited }).ok).toBe(true);
  });

  it('refuses when this identity cannot write here', () => {
    const readOnly = conversationReducer(fresh(), frame(frames.connected(0, { can_write: false })));
    expect(checkSendable({ ...base, text: 'hi', state: readOnly })).toEqual({ ok: false, reason: "You can't write in this conversation." });
  });

  it('refuses when the conversation is closed for good, saying why', () => {
    const closed = conversationReducer(state, {
      type: 'connection',
      connection: { status: 'closed', attempt: 0, nextRetryAt: null, reason: "This conversation doesn't exist, or you can't see it." },
    });
    expect(checkSendable({ ...base, text: 'hi', state: closed })).toEqual({
      ok: false,
      reason: "This conversation doesn't exist, or you can't see it.",
    });
  });

  it('still accepts (to queue) while reconnecting or after giving up', () => {
    const failed = conversationReducer(state, {
      type: 'connection',
      connection: { status: 'failed', attempt: 10, nextRetryAt: null, reason: null },
    });
    expect(checkSendable({ ...base, text: 'hi', state: failed }).ok).toBe(true);
  });

  it('refuses when the outbox is full', () => {
    const result = checkSendable({ ...base, outboxFull: true, text: 'hi', state });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/100 messages are already waiting/);
  });

  it('accepts and trims a normal message', () => {
    expect(checkSendable({ ...base, text: '  hello  ', state })).toEqual({ ok: true, content: 'hello' });
  });
});

describe('streamingReply (what Stop stops)', () => {
  it("is the newest streaming reply the viewer asked for, never one someone else asked for", () => {
    const mine = agentMessage(2, { asked_by: { kind: ME.kind, id: ME.id } });
    const theirs = agentMessage(3, { asked_by: { kind: OTHER.kind, id: OTHER.id } });
    const state = reduceAll(connectedWith(1), [frame(frames.message(mine)), frame(frames.message(theirs))]);
    expect(streamingReply(state)?.id).toBe(mine.id);
    const onlyTheirs = reduceAll(connectedWith(1), [frame(frames.message(theirs))]);
    expect(streamingReply(onlyTheirs)).toBeNull();
  });
});
