import { api } from '@confab/auth';

export const DELETE = (request: Request, context: { params: Promise<{ id: string }> }) => api.deleteThread(request, context.params);
