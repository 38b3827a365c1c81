import { SESSION_COOKIE, VISITOR_COOKIE } from '@confab/auth';
import { handleRoomTokenRequest } from '@confab/livekit/server';
import type { NextRequest } from 'next/server';

/**
 * POST /api/voice/:slug/room-token?thread=<thread id> → RoomTokenResponse.
 * POST so a link, prefetch or image tag can never mint a token; the session comes from the
 * httpOnly cookie (SameSite=Lax keeps other sites from sending it with a POST).
 */
export async function POST(request: NextRequest, context: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await context.params;
  return handleRoomTokenRequest({
    postSlug: slug,
    threadId: request.nextUrl.searchParams.get('thread'),
    sessionTokens: [request.cookies.get(SESSION_COOKIE)?.value, request.cookies.get(VISITOR_COOKIE)?.value],
  });
}
