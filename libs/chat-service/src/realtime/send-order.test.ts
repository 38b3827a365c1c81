import { SEND_ORDER_GRACE_MS, SendOrder } from './send-order';

const T0 = 1_700_000_000_000;

describe('SendOrder: a message refused for a while is not overtaken by the ones sent after it', () => {
  it('stores anything at once while nothing was refused', () => {
    const order = new SendOrder();
    expect(order.turnOf('m1', T0)).toBeNull();
    expect(order.turnOf('m2', T0)).toBeNull();
  });

  it('after a rate limit, refuses each later message by name with the wait left, until the refused one comes back', () => {
    const order = new SendOrder();
    order.refused('m1', { code: 'RATE_LIMIT', retryAt: T0 + 5_000 }, T0);
    expect(order.turnOf('m2', T0 + 100)).toEqual({ code: 'RATE_LIMIT', message: "You're sending messages too fast. Try again in 5 s.", retry_after_s: 5, client_message_id: 'm2' });
    // Past the wait: still refused (m1 has not come back), told to try again in a second.
    expect(order.turnOf('m3', T0 + 6_000)).toMatchObject({ code: 'RATE_LIMIT', retry_after_s: 1, client_message_id: 'm3' });
    // m1 comes back: its turn; stored, the next one (m2) has its turn, and m3 waits for m2.
    expect(order.turnOf('m1', T0 + 6_100)).toBeNull();
    order.settled('m1', T0 + 6_100);
    expect(order.turnOf('m3', T0 + 6_100)).toMatchObject({ client_message_id: 'm3' });
    expect(order.turnOf('m2', T0 + 6_100)).toBeNull();
    order.settled('m2', T0 + 6_100);
    expect(order.turnOf('m3', T0 + 6_100)).toBeNull();
    order.settled('m3', T0 + 6_100);
    expect(order.turnOf('m4', T0 + 6_100)).toBeNull();
  });

  it('refused again, the first one keeps its place and the new reason is the one the others are given', () => {
    const order = new SendOrder();
    order.refused('m1', { code: 'INTERNAL_ERROR', retryAt: T0 }, T0);
    expect(order.turnOf('m2', T0)).toMatchObject({ code: 'INTERNAL_ERROR', client_message_id: 'm2' });
    expect(order.turnOf('m2', T0)?.retry_after_s).toBeUndefined();
    order.refused('m1', { code: 'RATE_LIMIT', retryAt: T0 + 3_000 }, T0 + 1_000);
    expect(order.turnOf('m2', T0 + 1_000)).toMatchObject({ code: 'RATE_LIMIT', retry_after_s: 2 });
    expect(order.turnOf('m1', T0 + 3_000)).toBeNull();
  });

  it('a message dropped on arrival after one already waiting waits behind it', () => {
    const order = new SendOrder();
    order.refused('m1', { code: 'RATE_LIMIT', retryAt: T0 + 1_000 }, T0);
    order.refused('m2', { code: 'RATE_LIMIT', retryAt: T0 + 1_000 }, T0);
    order.settled('m1', T0 + 1_000);
    expect(order.turnOf('m3', T0 + 1_000)).toMatchObject({ client_message_id: 'm3' });
    expect(order.turnOf('m2', T0 + 1_000)).toBeNull();
  });

  it('stops waiting for a message the client gave up: the grace after its wait', () => {
    const order = new SendOrder();
    order.refused('m1', { code: 'INTERNAL_ERROR', retryAt: T0 }, T0);
    expect(order.turnOf('m2', T0 + SEND_ORDER_GRACE_MS - 1)).not.toBeNull();
    // Refusing m2 (it waits) does not keep the wait for m1 going.
    expect(order.turnOf('m2', T0 + SEND_ORDER_GRACE_MS)).toBeNull();

    order.refused('m3', { code: 'RATE_LIMIT', retryAt: T0 + 60_000 }, T0 + 20_000);
    expect(order.turnOf('m4', T0 + 60_000 + SEND_ORDER_GRACE_MS - 1)).not.toBeNull();
    expect(order.turnOf('m4', T0 + 60_000 + SEND_ORDER_GRACE_MS)).toBeNull();
  });

  it('a message settled out of turn (found stored) leaves the line without giving anyone a turn', () => {
    const order = new SendOrder();
    order.refused('m1', { code: 'RATE_LIMIT', retryAt: T0 + 1_000 }, T0);
    expect(order.turnOf('m2', T0)).not.toBeNull();
    expect(order.turnOf('m3', T0)).not.toBeNull();
    order.settled('m2', T0);
    expect(order.turnOf('m3', T0)).not.toBeNull();
    order.settled('m1', T0 + 1_000);
    expect(order.turnOf('m3', T0 + 1_000)).toBeNull();
  });
});
