import { api } from '@confab/auth';

export const GET = (request: Request, context: { params: Promise<{ id: string }> }) =>
  api.conversationMessages(request, context.params);
