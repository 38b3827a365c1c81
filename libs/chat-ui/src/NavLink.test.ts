import { currentness } from './NavLink';

describe('currentness', () => {
  it.each([
    ['/', '/', '/posts/', 'page'],
    ['/posts/writing-coach', '/', '/posts/', 'true'],
    ['/threads', '/threads', '/threads/', 'page'],
    ['/threads/6c7c1cbc-5fec-43e2-8349-929a59fa7592', '/threads', '/threads/', 'true'],
    ['/threads', '/', '/posts/', undefined],
    ['/signin', '/threads', '/threads/', undefined],
    [null, '/', '/posts/', undefined],
  ])('%s for the link to %s: %s', (pathname, href, section, expected) => {
    expect(currentness(pathname, href, section)).toBe(expected);
  });
});
