import { api } from '@confab/auth';

export const POST = (request: Request, context: { params: Promise<{ slug: string }> }) =>
  api.createThread(request, context.params);
