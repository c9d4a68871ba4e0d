import { describe, expect, it } from 'vitest';
import { csvField, csvFileName, toCsv } from '../../dashboard/site-view/csv.ts';

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
});
