import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', 'test', stream) };
}

describe('createLogger', () => {
  it('never writes the parameters of a failed query (an email and a password hash) to the log', () => {
    const { lines, logger } = capture();
    const failed = new DrizzleQueryError('insert into "users" ("email", "password_hash") values ($1, $2)', ['a@b.co', 'scrypt$16384$8$1$salt$hash'], new Error('invalid byte sequence'));
    logger.error({ err: failed }, 'request failed');
    logger.error({ err: new Error('wrapped', { cause: failed }) }, 'request failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain('scrypt$');
      expect(line).not.toContain('a@b.co');
    }
    expect(lines[0]).toContain('invalid byte sequence');
    expect(lines[0]).toContain('[not logged]');
  });
});
