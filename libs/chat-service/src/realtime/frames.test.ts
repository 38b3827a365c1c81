import { MAX_MESSAGE_CHARS } from '@confab/protocol';
import {
  clientMessageIdAtEnd,
  decodeIncoming,
  deliveryDecision,
  isOriginAllowed,
  mentionsHandle,
  parseUpgradeUrl,
  shouldAgentReply,
  SLOW_CONSUMER_CLOSE_BYTES,
  SLOW_CONSUMER_DROP_BYTES,
} from './frames';

const ID = '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c';

describe('parseUpgradeUrl', () => {
  it('reads the conversation id with or without the trailing slash, and the ticket parameters', () => {
    expect(parseUpgradeUrl(`/ws/v1/conversation/${ID}/?token=abc&app_type=web&product_id=confab&stream=delta`)).toEqual({
      target: { kind: 'conversation', conversationId: ID },
      ticket: { value: 'abc', param: 'token' },
      appType: 'web',
      productId: 'confab',
      deltaStreams: true,
    });
    // Without stream=delta (a page loaded before it existed): whole-text stream frames.
    expect(parseUpgradeUrl(`/ws/v1/conversation/${ID}?session_user=v1`)).toEqual({
      target: { kind: 'conversation', conversationId: ID },
      ticket: { value: 'v1', param: 'session_user' },
      appType: null,
      productId: null,
      deltaStreams: false,
    });
  });

  it('treats a missing ticket as anonymous', () => {
    expect(parseUpgradeUrl(`/ws/v1/conversation/${ID}/`).ticket).toBeNull();
  });

  it('tells a malformed conversation id apart from paths that are not sockets at all', () => {
    expect(parseUpgradeUrl('/ws/v1/conversation/not-a-uuid/').target).toEqual({ kind: 'invalid-conversation' });
    expect(parseUpgradeUrl(`/ws/v1/conversation/${ID}/extra`).target).toEqual({ kind: 'invalid-conversation' });
    expect(parseUpgradeUrl('/ws/v2/other').target).toEqual({ kind: 'not-a-socket' });
  });
});

describe('isOriginAllowed', () => {
  const allowed = ['http://localhost:3000'];
  it('accepts listed origins and clients that send none, refuses others', () => {
    expect(isOriginAllowed('http://localhost:3000', allowed)).toBe(true);
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
    expect(isOriginAllowed('https://evil.example', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:3001', allowed)).toBe(false);
  });
});

describe('decodeIncoming', () => {
  const next = (message: string, client_message_id = 'msg-00000001') =>
    JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message, client_message_id } });

  it('refuses a message with a NUL character as VALIDATION_ERROR naming the message', () => {
    expect(decodeIncoming(next('a\u0000b'), false)).toEqual({
      kind: 'invalid',
      code: 'VALIDATION_ERROR',
      message: 'A message cannot contain NUL characters.',
      clientMessageId: 'msg-00000001',
    });
  });

  it('replaces lone surrogates in a message with U+FFFD and keeps pairs', () => {
    const decoded = decodeIncoming(next('a\ud800b\udfffc 😀 \ud83d'), false);
    expect(decoded.kind === 'frame' && decoded.frame.event === 'action' && decoded.frame.data.action === 'next' && decoded.frame.data.message).toBe(
      'a\ufffdb\ufffdc 😀 \ufffd',
    );
  });

  it('recognises the text heartbeat', () => {
    expect(decodeIncoming('ping', false)).toEqual({ kind: 'heartbeat' });
  });

  it('parses valid frames', () => {
    const decoded = decodeIncoming(next('hello'), false);
    expect(decoded.kind).toBe('frame');
  });

  it('refuses binary frames, non-JSON, unknown events and wrong types with VALIDATION_ERROR', () => {
    expect(decodeIncoming(null, true)).toMatchObject({ kind: 'invalid', code: 'VALIDATION_ERROR' });
    expect(decodeIncoming('{not json', false)).toMatchObject({ kind: 'invalid', code: 'VALIDATION_ERROR', message: 'Frame is not valid JSON.' });
    expect(decodeIncoming(JSON.stringify({ event: 'dance', data: {} }), false)).toMatchObject({ kind: 'invalid', code: 'VALIDATION_ERROR' });
    expect(decodeIncoming(JSON.stringify({ event: 'sync', data: { after_seq: 'x' } }), false)).toMatchObject({
      kind: 'invalid',
      code: 'VALIDATION_ERROR',
    });
  });

  it('says MESSAGE_TOO_LONG for an oversized message and names the message it concerns', () => {
    expect(decodeIncoming(next('x'.repeat(MAX_MESSAGE_CHARS + 1)), false)).toMatchObject({
      kind: 'invalid',
      code: 'MESSAGE_TOO_LONG',
      clientMessageId: 'msg-00000001',
    });
    expect(decodeIncoming(next('x'.repeat(MAX_MESSAGE_CHARS)), false).kind).toBe('frame');
  });

  it('keeps the client_message_id of an otherwise invalid message (so the client can mark it failed)', () => {
    expect(decodeIncoming(next('   '), false)).toMatchObject({ kind: 'invalid', code: 'VALIDATION_ERROR', clientMessageId: 'msg-00000001' });
  });
});

describe('mentionsHandle / shouldAgentReply', () => {
  it('matches @handle as a whole word, case-insensitively', () => {
    expect(mentionsHandle('hey @Ada, what do you think?', 'ada')).toBe(true);
    expect(mentionsHandle('@ADA', 'ada')).toBe(true);
    expect(mentionsHandle('(@ada)', 'ada')).toBe(true);
    expect(mentionsHandle('hey @adam', 'ada')).toBe(false);
    expect(mentionsHandle('mail me at me@ada', 'ada')).toBe(false);
    expect(mentionsHandle('ada without at', 'ada')).toBe(false);
  });

  it('answers every thread message, and post messages only when addressed', () => {
    expect(shouldAgentReply('thread', 'hello', 'ada')).toBe(true);
    expect(shouldAgentReply('post', 'hello everyone', 'ada')).toBe(false);
    expect(shouldAgentReply('post', 'hello @ada', 'ada')).toBe(true);
  });
});

describe('deliveryDecision', () => {
  it('drops typing for a backed-up socket and closes a badly backed-up one', () => {
    expect(deliveryDecision(0, 100, 'typing')).toBe('send');
    expect(deliveryDecision(SLOW_CONSUMER_DROP_BYTES + 1, 100, 'typing')).toBe('drop');
    expect(deliveryDecision(SLOW_CONSUMER_DROP_BYTES + 1, 100, 'message')).toBe('send');
    expect(deliveryDecision(SLOW_CONSUMER_CLOSE_BYTES + 1, 100, 'message')).toBe('close');
  });

  it('closes before a frame would take the unsent bytes over the limit, not after', () => {
    const page = 8 * 1024 * 1024;
    expect(deliveryDecision(SLOW_CONSUMER_CLOSE_BYTES - 1024, page, 'sync')).toBe('close');
    expect(deliveryDecision(SLOW_CONSUMER_CLOSE_BYTES - 1024, 1024, 'sync')).toBe('send');
    // Nothing waiting: the frame goes, whatever its size.
    expect(deliveryDecision(0, page + 1, 'sync')).toBe('send');
  });
});

describe('clientMessageIdAtEnd (frames too large to parse)', () => {
  it('finds the id a client writes after its message, reading only the last bytes', () => {
    const frame = JSON.stringify({ event: 'action', data: { action: 'next', message: 'x'.repeat(100_000), client_message_id: 'cm-0123456789' } });
    expect(clientMessageIdAtEnd(Buffer.from(frame))).toBe('cm-0123456789');
    const idFirst = JSON.stringify({ event: 'action', data: { client_message_id: 'cm-0123456789', message: 'x'.repeat(100_000) } });
    expect(clientMessageIdAtEnd(Buffer.from(idFirst))).toBeUndefined();
    expect(clientMessageIdAtEnd(Buffer.from('"client_message_id":"no spaces allowed here"'))).toBeUndefined();
  });
});
