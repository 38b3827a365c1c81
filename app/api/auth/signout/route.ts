import { api } from '@confab/auth';

export const POST = () => api.signOut();
