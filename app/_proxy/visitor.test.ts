import { SESSION_COOKIE, VISITOR_COOKIE } from '@confab/auth';
import { SESSION_COOKIE_NAME, VISITOR_COOKIE_NAME, cookieHeaderWith, needsVisitorSession, type VisitorRequest } from './visitor';

/** A browser opening `pathname` (a document navigation), with overrides. */
const request = (pathname: string, overrides: Partial<VisitorRequest> & { headerValues?: Record<string, string> } = {}): VisitorRequest => ({
  method: 'GET',
  pathname,
  cookies: [],
  headers: new Headers({ 'sec-fetch-dest': 'document', ...overrides.headerValues }),
  ...overrides,
});

describe('needsVisitorSession', () => {
  it('gives a person without any session a visitor on the first page they open, whichever it is', () => {
    for (const path of ['/', '/posts/writing-coach', '/posts/writing-coach/', '/threads', '/signin']) {
      expect({ path, needs: needsVisitorSession(request(path)) }).toEqual({ path, needs: true });
    }
  });

  it('leaves people who already have a session or a visitor alone', () => {
    expect(needsVisitorSession(request('/posts/writing-coach', { cookies: [SESSION_COOKIE_NAME] }))).toBe(false);
    expect(needsVisitorSession(request('/posts/writing-coach', { cookies: ['theme', VISITOR_COOKIE_NAME] }))).toBe(false);
  });

  it('creates no one for API routes, Next.js internals, static files, or other methods', () => {
    for (const path of ['/_next/static/chunks/a.js', '/_next/image', '/icon.svg', '/favicon.ico', '/api/ws-ticket', '/api']) {
      expect({ path, needs: needsVisitorSession(request(path)) }).toEqual({ path, needs: false });
    }
    expect(needsVisitorSession(request('/posts/writing-coach', { method: 'HEAD' }))).toBe(false);
  });

  it('creates no one for fetches (link prefetches, RSC navigations), scripts and crawlers, or speculative loads', () => {
    expect(needsVisitorSession(request('/posts/writing-coach', { headerValues: { 'sec-fetch-dest': 'empty' } }))).toBe(false);
    expect(needsVisitorSession(request('/posts/writing-coach', { headers: new Headers() }))).toBe(false);
    expect(needsVisitorSession(request('/posts/writing-coach', { headerValues: { 'sec-purpose': 'prefetch;prerender' } }))).toBe(false);
    expect(needsVisitorSession(request('/posts/writing-coach', { headerValues: { purpose: 'prefetch' } }))).toBe(false);
  });

  it('uses the cookie names of @confab/auth', () => {
    expect([SESSION_COOKIE_NAME, VISITOR_COOKIE_NAME]).toEqual([SESSION_COOKIE, VISITOR_COOKIE]);
  });
});

describe('cookieHeaderWith', () => {
  it('adds the visitor cookie to what the request carried, replacing a previous value', () => {
    expect(cookieHeaderWith(null, 'confab_visitor', 'tok')).toBe('confab_visitor=tok');
    expect(cookieHeaderWith('theme=dark; confab_visitor=old', 'confab_visitor', 'new')).toBe('theme=dark; confab_visitor=new');
  });
});
