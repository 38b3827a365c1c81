import { api } from '@confab/auth';

export const POST = (request: Request) => api.signUp(request);
