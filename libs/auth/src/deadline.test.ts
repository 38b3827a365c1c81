import { PAGE_BUDGET_MS, pageDeadline, parsePageDeadline } from './deadline';

describe("a page request's deadline header", () => {
  const now = 1_800_000_000_000;

  it('is read as the epoch ms the proxy wrote', () => {
    expect(parsePageDeadline(String(pageDeadline(now)), now + 1_500)).toBe(now + PAGE_BUDGET_MS);
  });

  it('cannot be pushed further than one budget from now by whoever sent it', () => {
    expect(parsePageDeadline(String(now + 10 * PAGE_BUDGET_MS), now)).toBe(now + PAGE_BUDGET_MS);
  });

  it('is no deadline when missing or not a number (each render then gets its own)', () => {
    for (const value of [null, '', 'soon', '-5', '1e12', '12.5', '9'.repeat(30)]) expect(parsePageDeadline(value, now)).toBeNull();
  });
});
