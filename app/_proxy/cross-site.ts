/**
 * Whether a request to our API is a write sent by another site. The session cookies are
 * SameSite=Lax, which keeps other *sites* from sending them with a POST, but a sibling subdomain
 * is the same site, and the routes without a body (sign-out, a voice room token) have no JSON
 * content type to require. Browsers say where a request comes from in `Sec-Fetch-Site`; a request
 * without it (a server, curl, the LiveKit webhook) is not a browser's and carries no ambient cookies
 * an attacker could borrow.
 */
export function isCrossSiteWrite(method: string, headers: Headers): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  const site = headers.get('sec-fetch-site');
  return site !== null && site !== 'same-origin';
}
