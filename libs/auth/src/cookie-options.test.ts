import { SESSION_COOKIE, VISITOR_COOKIE, sessionCookieOptions, shouldUseSecureCookies } from './cookie-options';
import { ticketParamFor } from './ticket';
import { isDemoAgent } from './demo';
import { WsTicketResponse } from '@confab/protocol';

describe('identity cookies', () => {
  it('are named as the architecture says', () => {
    expect([SESSION_COOKIE, VISITOR_COOKIE]).toEqual(['confab_session', 'confab_visitor']);
  });

  it('are httpOnly, SameSite=Lax, site-wide and expire with the session', () => {
    expect(sessionCookieOptions({ nodeEnv: 'production', host: 'confab.example', expiresAt: '2027-01-01T00:00:00.000Z' })).toEqual({
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      path: '/',
      expires: new Date('2027-01-01T00:00:00.000Z'),
    });
  });

  it.each([
    ['production', 'confab.example', true],
    ['production', 'confab.example:8443', true],
    ['production', 'localhost:3000', false],
    ['production', '127.0.0.1:3000', false],
    ['production', '[::1]:3000', false],
    ['production', null, true],
    ['development', 'confab.example', false],
    ['test', 'localhost', false],
  ])('Secure in %s on %s: %s', (nodeEnv, host, secure) => {
    expect(shouldUseSecureCookies(nodeEnv, host)).toBe(secure);
  });
});

describe('ticketParamFor', () => {
  it('puts user tickets in token= and visitor tickets in session_user=', () => {
    expect(ticketParamFor('user')).toBe('token');
    expect(ticketParamFor('visitor')).toBe('session_user');
  });

  it("builds answers the protocol's WsTicketResponse schema (the browser's parser) accepts", () => {
    const answer = { ticket: 'jwt', param: ticketParamFor('visitor'), ws_base: 'ws://localhost:4000/ws/v1/' };
    expect(WsTicketResponse.parse(answer)).toEqual(answer);
  });
});

describe('isDemoAgent', () => {
  it('is the demo agent when no model endpoint is configured or the persona asks for it', () => {
    expect(isDemoAgent({ model: 'gpt-4o-mini' }, undefined)).toBe(true);
    expect(isDemoAgent({ model: 'demo' }, 'http://localhost:11434/v1')).toBe(true);
    expect(isDemoAgent({ model: 'gpt-4o-mini' }, 'http://localhost:11434/v1')).toBe(false);
  });
});
