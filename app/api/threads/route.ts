import { api } from '@confab/auth';

export const GET = () => api.listThreads();
