import { ErrorCode } from './errors';
import { parseServerFrame } from './ws';

const REPLY_ID = '00000000-0000-4000-8000-000000000007';

describe('the answer to a stop that finds nothing streaming', () => {
  it('is an error frame NOTHING_TO_STOP naming the reply the stop named', () => {
    const raw = JSON.stringify({ event: 'error', data: { code: 'NOTHING_TO_STOP', message: 'There is no reply being written to stop.', message_id: REPLY_ID } });
    expect(parseServerFrame(raw)).toEqual({
      ok: true,
      frame: { event: 'error', data: { code: 'NOTHING_TO_STOP', message: 'There is no reply being written to stop.', message_id: REPLY_ID } },
    });
  });

  it('may leave the reply out (a stop that named none), and is one of the codes every error may carry', () => {
    expect(parseServerFrame(JSON.stringify({ event: 'error', data: { code: 'NOTHING_TO_STOP', message: 'x' } })).ok).toBe(true);
    expect(ErrorCode.options).toContain('NOTHING_TO_STOP');
  });

  it('refuses a message_id that is not a message id', () => {
    const raw = JSON.stringify({ event: 'error', data: { code: 'NOTHING_TO_STOP', message: 'x', message_id: 'not-an-id' } });
    expect(parseServerFrame(raw)).toMatchObject({ ok: false, message: expect.stringContaining('data.message_id') });
  });
});
