import { api } from '@confab/auth';

export const GET = () => api.wsTicket();
