import { formatLine } from './format';
import { isReadyLine } from './readiness';

describe('isReadyLine', () => {
  it('recognises the chat service listening line (pino JSON)', () => {
    const line = JSON.stringify({ level: 30, time: 1, msg: 'chat service listening', port: 4000 });
    expect(isReadyLine('chat', line)).toBe(true);
    expect(isReadyLine('chat', JSON.stringify({ level: 30, msg: 'migrations applied' }))).toBe(false);
    expect(isReadyLine('chat', 'chat service listening')).toBe(false);
    expect(isReadyLine('chat', '{not json')).toBe(false);
  });

  it('recognises the web server listening line (pino JSON)', () => {
    expect(isReadyLine('web', JSON.stringify({ level: 30, service: 'web-server', msg: 'web app listening', port: 3000 }))).toBe(true);
    expect(isReadyLine('web', '✓ Running next.config.mjs took 14ms')).toBe(false);
    expect(isReadyLine('web', JSON.stringify({ level: 30, msg: 'web app stopping' }))).toBe(false);
  });

  it('recognises the voice worker registering', () => {
    expect(isReadyLine('voice', JSON.stringify({ level: 30, msg: 'registered worker', id: 'AW_1' }))).toBe(true);
    expect(isReadyLine('voice', 'connecting to livekit')).toBe(false);
  });
});

describe('formatLine', () => {
  it('turns pino JSON into a readable prefixed line', () => {
    const line = JSON.stringify({ level: 40, time: 1, pid: 9, hostname: 'h', service: 'chat-service', msg: 'slow query', ms: 812, table: 'messages' });
    expect(formatLine('chat', line, { color: false })).toBe('[chat]   WARN  slow query ms=812 table=messages');
  });

  it('prints error stacks on their own prefixed lines', () => {
    const line = JSON.stringify({ level: 50, msg: 'boom', err: { message: 'x', stack: 'Error: x\n    at f (a.ts:1:1)' } });
    expect(formatLine('chat', line, { color: false })).toBe('[chat]   ERROR boom\n[chat]     Error: x\n[chat]         at f (a.ts:1:1)');
  });

  it('shows only the message of an error attached to a warning', () => {
    const line = JSON.stringify({ level: 40, msg: 'failed to connect, retrying', error: { message: 'connect ECONNREFUSED 127.0.0.1:7999', stack: 'Error: connect…\n    at x' }, retry_count: 1 });
    expect(formatLine('voice', line, { color: false })).toBe('[voice]  WARN  failed to connect, retrying error="connect ECONNREFUSED 127.0.0.1:7999" retry_count=1');
  });

  it('keeps plain text as it is, without terminal colours when colour is off', () => {
    expect(formatLine('web', '\u001b[32m ✓\u001b[39m Ready in 1.2s', { color: false })).toBe('[web]     ✓ Ready in 1.2s');
  });
});
