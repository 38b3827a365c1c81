import { forwardedFor } from './forwarded-for';

describe('forwardedFor: reached directly (the default)', () => {
  it("replaces whatever X-Forwarded-For the client sent with the connection's address", () => {
    expect(forwardedFor('203.0.113.9', '198.51.100.7', false)).toBe('198.51.100.7');
    expect(forwardedFor('10.0.0.1, 203.0.113.9', '198.51.100.7', false)).toBe('198.51.100.7');
    expect(forwardedFor(['203.0.113.9', '203.0.113.10'], '::ffff:127.0.0.1', false)).toBe('::ffff:127.0.0.1');
  });

  it("names the connection's address when the client sent none", () => {
    expect(forwardedFor(undefined, '2001:db8::7', false)).toBe('2001:db8::7');
  });

  it('names nobody when the connection is already gone (no address rather than a made-up one)', () => {
    expect(forwardedFor('203.0.113.9', undefined, false)).toBeUndefined();
  });
});

describe('forwardedFor: behind a trusted reverse proxy (WEB_TRUST_PROXY)', () => {
  it('keeps the header as the proxy wrote it: its last entry is the address the proxy saw', () => {
    expect(forwardedFor('203.0.113.9', '10.0.0.2', true)).toBe('203.0.113.9');
    expect(forwardedFor('made-up, 203.0.113.9', '10.0.0.2', true)).toBe('made-up, 203.0.113.9');
    expect(forwardedFor(['made-up', '203.0.113.9'], '10.0.0.2', true)).toBe('made-up, 203.0.113.9');
  });

  it("names the connection's address for a request that did not come through the proxy", () => {
    expect(forwardedFor(undefined, '10.0.0.2', true)).toBe('10.0.0.2');
    expect(forwardedFor(' , ', '10.0.0.2', true)).toBe('10.0.0.2');
  });
});
