import { memoryTicketUses } from './ticket-uses';

describe('memoryTicketUses', () => {
  it('lets each ticket be claimed once, and forgets it once it has expired', async () => {
    let now = 1_000_000;
    const uses = memoryTicketUses(() => now);
    expect(await uses.claim('a', now + 60_000)).toBe(true);
    expect(await uses.claim('a', now + 60_000)).toBe(false);
    expect(await uses.claim('b', now + 60_000)).toBe(true);
    // Past its expiry the ticket is refused by its signature anyway; the map need not keep it.
    now += 61_000;
    expect(await uses.claim('a', now + 60_000)).toBe(true);
  });
});
