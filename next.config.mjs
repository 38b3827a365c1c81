/**
 * Public configuration the browser needs. The seed guide's names are kept
 * (`chatApiUrl`, `appType`, `productId`, `NEXT_PUBLIC_LIVEKIT_URL`) and mapped onto
 * `process.env` for client code; nothing secret may be listed here.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  env: {
    chatApiUrl: process.env.chatApiUrl ?? process.env.NEXT_PUBLIC_CHAT_API_URL ?? 'ws://localhost:4000/ws/v1/',
    appType: process.env.appType ?? 'social',
    productId: process.env.productId ?? 'confab',
    NEXT_PUBLIC_LIVEKIT_URL: process.env.NEXT_PUBLIC_LIVEKIT_URL ?? '',
  },
  // Server-only packages that must not be bundled into route handlers.
  serverExternalPackages: ['pino', 'livekit-server-sdk'],
};

export default nextConfig;
