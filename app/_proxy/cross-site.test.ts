import { isCrossSiteWrite } from './cross-site';

describe('isCrossSiteWrite', () => {
  it.each([
    ['POST', 'cross-site', true],
    ['POST', 'same-site', true], // a sibling subdomain: SameSite=Lax lets its POSTs carry our cookies
    ['DELETE', 'same-site', true],
    ['POST', 'same-origin', false],
    ['POST', null, false], // not a browser: the LiveKit webhook, a server, curl
    ['GET', 'cross-site', false], // reads change nothing
  ])('%s with Sec-Fetch-Site %s → %s', (method, site, refused) => {
    expect(isCrossSiteWrite(method, new Headers(site === null ? {} : { 'sec-fetch-site': site }))).toBe(refused);
  });
});
