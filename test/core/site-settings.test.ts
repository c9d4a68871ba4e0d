/**
 * The one validator of site settings: any input gets settings or a SettingsError naming a
 * field (never another error), valid settings come back as they are stored and pass again
 * unchanged, and each caller's names start its messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ITEM_LENGTH, MAX_LIST_LENGTH, MAX_RETENTION_DAYS, parseSiteSettings, SETTING_LABELS, SettingsError, type SettingNames } from '../../server/core/site-settings.ts';

const FIELDS = Object.keys(SETTING_LABELS);

const anyValue = fc.oneof(fc.anything(), fc.array(fc.oneof(fc.string(), fc.anything())), fc.integer(), fc.constantFrom(null, 'none', 'truncated', 'Europe/Oslo', 'country', 'region', 'city'));
const anyInput = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string()), anyValue);

const validSettings = fc.record(
  {
    timezone: fc.constantFrom('Etc/UTC', 'Europe/Oslo', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata'),
    ipStorage: fc.constantFrom(null, 'truncated', 'none'),
    retentionDays: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: MAX_RETENTION_DAYS })),
    excludedIps: fc.uniqueArray(fc.oneof(fc.ipV4(), fc.ipV4().map((ip) => `${ip}/24`)), { maxLength: MAX_LIST_LENGTH }),
    excludedPaths: fc.uniqueArray(fc.stringMatching(/^\/[a-z0-9/*_.-]{0,40}$/), { maxLength: MAX_LIST_LENGTH }),
    allowedHostnames: fc.uniqueArray(fc.domain(), { maxLength: 20 }),
    searchParams: fc.uniqueArray(fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/), { maxLength: 20 }),
    locationPrecision: fc.constantFrom('country', 'region', 'city'),
  },
  { requiredKeys: [] },
);

function problem(input: Record<string, unknown>, names?: SettingNames): SettingsError {
  try {
    parseSiteSettings(input, names);
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('site settings validator', () => {
  it('answers any input with settings or a SettingsError naming a field', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        try {
          const settings = parseSiteSettings(input);
          expect(Object.keys(settings).every((k) => k in input)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SettingsError);
          // An unknown key is named by its first 60 characters.
          expect(Object.keys(input).some((k) => k.startsWith((e as SettingsError).field))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives valid settings back as they are stored, and those pass again unchanged', () => {
    fc.assert(
      fc.property(validSettings, (settings) => {
        const parsed = parseSiteSettings(settings);
        expect(parsed).toEqual(settings);
        expect(parseSiteSettings({ ...parsed } as Record<string, unknown>)).toEqual(parsed);
      }),
    );
  });

  it('stores lists trimmed, each entry once, without blanks, and zones by their current name', () => {
    expect(parseSiteSettings({ excludedIps: [' 10.0.0.0/8 ', '10.0.0.0/8', ''], allowedHostnames: [''], timezone: 'Asia/Calcutta' })).toEqual({
      excludedIps: ['10.0.0.0/8'],
      allowedHostnames: [],
      timezone: 'Asia/Kolkata',
    });
  });

  it('holds one set of limits', () => {
    expect(parseSiteSettings({ retentionDays: MAX_RETENTION_DAYS })).toEqual({ retentionDays: MAX_RETENTION_DAYS });
    expect(problem({ retentionDays: MAX_RETENTION_DAYS + 1 }).field).toBe('retentionDays');
    expect(problem({ retentionDays: 0 }).field).toBe('retentionDays');
    expect(problem({ retentionDays: 1.5 }).field).toBe('retentionDays');
    expect(problem({ searchParams: Array.from({ length: MAX_LIST_LENGTH + 1 }, (_, i) => `p${i}`) }).message).toBe(
      `Site search query parameters: at most ${MAX_LIST_LENGTH} entries`,
    );
    expect(problem({ excludedPaths: [`/${'a'.repeat(MAX_ITEM_LENGTH)}`] }).field).toBe('excludedPaths');
    expect(problem({ ipStorage: 'full' }).field).toBe('ipStorage');
    expect(problem({ timezone: 'Mars/Olympus' }).message).toBe('Timezone: unknown timezone "Mars/Olympus"; an IANA timezone such as Europe/Oslo is expected');
    expect(parseSiteSettings({ locationPrecision: 'city' })).toEqual({ locationPrecision: 'city' });
    for (const value of ['street', 'City', null, 2]) expect(problem({ locationPrecision: value }).message).toBe('Visitor location: country, region or city is expected');
  });

  it("starts each message with the caller's name of the field", () => {
    const cli: SettingNames = { ...SETTING_LABELS, excludedPaths: '--exclude-path' };
    expect(problem({ excludedPaths: ['admin'] }, cli).message).toBe('--exclude-path: "admin" can never match: paths start with "/" (did you mean "/admin"?)');
    expect(problem({ excludedPaths: ['admin'] }).message).toBe('Excluded pages: "admin" can never match: paths start with "/" (did you mean "/admin"?)');
    expect(problem({ colour: 'red' })).toMatchObject({ field: 'colour', message: '"colour" is not a setting that can be changed here' });
  });
});
