import { api } from '@confab/auth';

export const GET = () => api.me();
