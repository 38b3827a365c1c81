import type { ErrorCode, HistoryResponse } from '@confab/protocol';
import { loadWire, type WireModule } from './load-wire';
import { readJson, type FetchLike } from './ticket';

/** Older pages come through the Next.js proxy route (the browser never calls the chat service's REST API). */
export const historyPath = (conversationId: string, beforeSeq: number): string =>
  `/api/conversations/${encodeURIComponent(conversationId)}/messages?before_seq=${beforeSeq}`;

export type HistoryResult =
  | { ok: true; history: HistoryResponse }
  | { ok: false; error: { code: ErrorCode; message: string } };

export async function fetchOlderMessages(
  conversationId: string,
  beforeSeq: number,
  fetchImpl: FetchLike = fetch,
): Promise<HistoryResult> {
  let response: Response;
  try {
    response = await fetchImpl(historyPath(conversationId, beforeSeq), {
      method: 'GET',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
  } catch {
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Could not load older messages: the server is unreachable.' } };
  }
  const body = await readJson(response);
  let wire: WireModule;
  try {
    wire = await loadWire();
  } catch {
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Could not load older messages: the server is unreachable.' } };
  }
  const { ApiError, HistoryResponse } = wire;
  if (!response.ok) {
    const apiError = ApiError.safeParse(body);
    return apiError.success
      ? { ok: false, error: { code: apiError.data.error.code, message: apiError.data.error.message } }
      : { ok: false, error: { code: 'INTERNAL_ERROR', message: `Could not load older messages (status ${response.status}).` } };
  }
  const parsed = HistoryResponse.safeParse(body);
  return parsed.success
    ? { ok: true, history: parsed.data }
    : { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Could not load older messages: unexpected answer.' } };
}
