import { readBodyText, withErrors } from '@confab/auth';
import { handleLiveKitWebhook } from '@confab/livekit/server';

/** A LiveKit webhook event is a few kilobytes of JSON. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

/** LiveKit server webhooks (configure `<app>/api/livekit/webhook` in livekit.yaml). */
export const POST = withErrors(async (request: Request): Promise<Response> =>
  handleLiveKitWebhook({ body: await readBodyText(request, MAX_WEBHOOK_BYTES), authorization: request.headers.get('authorization') }),
);
