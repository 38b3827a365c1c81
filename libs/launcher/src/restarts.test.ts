import { RestartBudget } from './restarts';

describe('RestartBudget', () => {
  it('allows three restarts a minute, refuses a fourth within it, and allows again once the minute has passed', () => {
    const budget = new RestartBudget(3, 60_000);
    expect([0, 10_000, 20_000].map((t) => budget.take(t))).toEqual([true, true, true]);
    expect(budget.take(59_000)).toBe(false);
    expect(budget.take(60_001)).toBe(true);
  });
});
