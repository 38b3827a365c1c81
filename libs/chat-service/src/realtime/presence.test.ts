import { PRESENCE_NAMES_MAX, type Identity } from '@confab/protocol';
import { mergePresence, samePresence } from './presence';

const person = (n: number, name = `Person ${String(n).padStart(2, '0')}`): Identity => ({ kind: 'user', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, display_name: name });

describe('merging every instance\'s part of a presence', () => {
  it('names each person once (tabs on two instances), by name, and adds up the guests', () => {
    const merged = mergePresence([
      { people: [person(2, 'Grace'), person(1, 'Ada')], guests: 1 },
      { people: [person(1, 'Ada'), person(3, 'Linus')], guests: 2 },
    ]);
    expect(merged).toEqual({ people: [person(1, 'Ada'), person(2, 'Grace'), person(3, 'Linus')], people_count: 3, guests: 3 });
  });

  it(`names at most ${PRESENCE_NAMES_MAX} people and counts them all`, () => {
    const many = Array.from({ length: PRESENCE_NAMES_MAX + 5 }, (_, i) => person(i + 1));
    const merged = mergePresence([{ people: many.slice(0, 15), guests: 0 }, { people: many.slice(15), guests: 0 }]);
    expect(merged.people).toHaveLength(PRESENCE_NAMES_MAX);
    expect(merged.people_count).toBe(PRESENCE_NAMES_MAX + 5);
    expect(merged.people[0]?.display_name).toBe('Person 01');
  });

  it('is empty when no instance has anyone', () => {
    expect(mergePresence([])).toEqual({ people: [], people_count: 0, guests: 0 });
  });

  it('tells a change from the same presence (a second tab of someone already here is no news)', () => {
    const before = mergePresence([{ people: [person(1, 'Ada')], guests: 0 }]);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada'), person(1, 'Ada')], guests: 0 }]))).toBe(true);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada')], guests: 1 }]))).toBe(false);
    expect(samePresence(before, mergePresence([{ people: [person(1, 'Ada Lovelace')], guests: 0 }]))).toBe(false);
  });
});
