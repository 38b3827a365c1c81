import { ClientMessageId } from '@confab/protocol';
import { randomClientMessageId } from './client-message-id';

describe('randomClientMessageId', () => {
  it('uses crypto.randomUUID when the context has it', () => {
    expect(randomClientMessageId({ randomUUID: () => '11111111-2222-4333-8444-555555555555', getRandomValues: crypto.getRandomValues.bind(crypto) })).toBe(
      '11111111-2222-4333-8444-555555555555',
    );
  });

  it('falls back to a v4 UUID from getRandomValues on insecure origins (no randomUUID)', () => {
    const id = randomClientMessageId({ getRandomValues: crypto.getRandomValues.bind(crypto) });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ClientMessageId.safeParse(id).success).toBe(true);
    expect(randomClientMessageId({ getRandomValues: crypto.getRandomValues.bind(crypto) })).not.toBe(id);
  });
});
