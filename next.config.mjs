/**
 * Public configuration the browser needs. The seed guide's names are kept (`appType`,
 * `productId`, `NEXT_PUBLIC_LIVEKIT_URL`) and inlined into client code at build time;
 * nothing secret may be listed here.
 *
 * `chatApiUrl` (the WebSocket base) is deliberately NOT inlined: only the `/api/ws-ticket`
 * route handler reads it, at request time, and hands it to the browser with each ticket.
 * So one build serves any chat service address (tests, `npm start`, production).
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  env: {
    appType: process.env.appType ?? 'social',
    productId: process.env.productId ?? 'confab',
    NEXT_PUBLIC_LIVEKIT_URL: process.env.NEXT_PUBLIC_LIVEKIT_URL ?? '',
  },
  // `npm test` type-checks the whole repository (tests included) with `tsc --noEmit` first;
  // repeating it inside `next build` only makes a test file's type error break `npm start`.
  typescript: { ignoreBuildErrors: true },
  // Server-only packages that must not be bundled into route handlers.
  serverExternalPackages: ['pino', 'livekit-server-sdk'],
};

export default nextConfig;
