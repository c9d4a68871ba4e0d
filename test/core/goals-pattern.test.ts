/**
 * Pageview goal wildcards (goals/pattern.ts): examples of Plausible's rules, and the GLOB
 * translation the query side uses checked against the pure matcher on real SQLite, over
 * random patterns and paths made of the characters GLOB and regexes treat specially.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hasWildcard, pageviewGoalGlob, pageviewGoalMatches } from '../../server/core/goals/pattern.ts';

const sqlite = new Database(':memory:');
const glob = sqlite.prepare('SELECT ? GLOB ? AS hit').pluck();
afterAll(() => sqlite.close());
const sqlMatches = (pattern: string, path: string) => glob.get(path, pageviewGoalGlob(pattern)) === 1;

describe('pageview goal patterns', () => {
  it.each([
    ['/signup', '/signup', true],
    ['/signup', '/signup/', false],
    ['/signup', '/Signup', false],
    ['/blog/*', '/blog/post', true],
    ['/blog/*', '/blog/2024/post', true],
    ['/blog/*', '/blog/', true],
    ['/blog/*', '/blog', false],
    ['/blog/**', '/blog/a/b/c', true],
    ['/blog*', '/blogger', true],
    ['/*/thanks', '/en/thanks', true],
    ['/*/thanks', '/en/shop/thanks', true],
    ['/*/thanks', '/en/thanks/more', false],
    ['/a*b*c', '/abc', true],
    ['/a*b*c', '/acb', false],
    ['/a*a', '/a', false],
    ['/p?id=[1]', '/p?id=[1]', true],
    ['/p?id=[1]', '/pxid=1', false],
    ['/a|b', '/a|b', true],
    ['/a|b', '/a', false],
    ['/.*', '/x', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(pageviewGoalMatches(pattern, path)).toBe(expected);
    expect(sqlMatches(pattern, path)).toBe(expected);
  });

  it('knows a pattern with a wildcard', () => {
    expect(hasWildcard('/blog/*')).toBe(true);
    expect(hasWildcard('/blog')).toBe(false);
  });

  it('GLOB answers as the pure matcher for any pattern and path', () => {
    const char = fc.constantFrom('a', 'b', '/', '*', '?', '[', ']', '.', '%', '_', '\\', '|', '^', 'é');
    const pattern = fc.array(char, { maxLength: 10 }).map((cs) => `/${cs.join('')}`);
    const path = fc.array(char.filter((c) => c !== '*'), { maxLength: 12 }).map((cs) => `/${cs.join('')}`);
    fc.assert(
      fc.property(pattern, path, (p, s) => {
        expect(sqlMatches(p, s)).toBe(pageviewGoalMatches(p, s));
      }),
      { numRuns: 3000 },
    );
  });

  it('a pattern matches a path built from it by filling each wildcard', () => {
    const piece = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*'), maxLength: 6 });
    fc.assert(
      fc.property(piece, fc.array(piece, { maxLength: 4 }), (pattern, fills) => {
        const runs = `/${pattern}`.split(/\*+/);
        const path = runs.map((run, i) => (i === 0 ? run : `${(fills[i - 1] ?? '').replace(/\*/g, '')}${run}`)).join('');
        expect(pageviewGoalMatches(`/${pattern}`, path)).toBe(true);
        expect(sqlMatches(`/${pattern}`, path)).toBe(true);
      }),
    );
  });
});
