import { requestClientAddress } from './client-address';

const withForwardedFor = (value: string | null) => new Headers(value === null ? {} : { 'x-forwarded-for': value });

describe('requestClientAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    // Entries further left were written by the client: only the nearest proxy's last entry counts.
    ['10.1.1.1, 203.0.113.7', '203.0.113.7'],
    ['  2001:db8::1 ', '2001:db8::1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
  ])('%s → %s', (header, expected) => {
    expect(requestClientAddress(withForwardedFor(header))).toBe(expected);
  });

  it.each([null, '', ' , ', 'unknown', '203.0.113.7:443x', 'a'.repeat(80)])('%p is no address', (header) => {
    expect(requestClientAddress(withForwardedFor(header))).toBeNull();
  });
});
