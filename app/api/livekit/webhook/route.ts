import { handleLiveKitWebhook } from '@confab/livekit/server';

/** LiveKit server webhooks (configure `<app>/api/livekit/webhook` in livekit.yaml). */
export async function POST(request: Request): Promise<Response> {
  return handleLiveKitWebhook({ body: await request.text(), authorization: request.headers.get('authorization') });
}
