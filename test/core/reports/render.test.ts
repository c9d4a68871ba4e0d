import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { reportMessage } from '../../../server/core/reports/compose.ts';
import type { ReportContent } from '../../../server/core/reports/content.ts';
import { periodStarting } from '../../../server/core/reports/period.ts';
import { CHART_CID, CHART_HEIGHT, CHART_WIDTH, LOGO_CID, renderReport, withDataUrls } from '../../../server/core/reports/render.ts';
import type { Site } from '../../../server/core/sites.ts';

const site = { id: 1, domain: 'kunde.example', timezone: 'Europe/Oslo' } as Site;
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function content(): ReportContent {
  const period = periodStarting('week', '2026-11-30', 'Europe/Oslo');
  return {
    site,
    period,
    kpis: [
      { metric: 'visitors', value: 1234, previous: 1000, change: 23 },
      { metric: 'visits', value: 1500, previous: 1500, change: 0 },
      { metric: 'pageviews', value: 4000, previous: 5000, change: -20 },
      { metric: 'bounce_rate', value: 40, previous: 43, change: -3 },
      { metric: 'visit_duration', value: 125, previous: 100, change: 25 },
    ],
    days: ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'].map((day, i) => ({ day, visitors: i === 6 ? 0 : (i + 1) * 10 })),
    lists: [
      { id: 'sources', rows: [{ label: 'Google', value: 700 }, { label: '<script>alert(1)</script>', value: 3 }] },
      { id: 'keywords', rows: [] },
    ],
  };
}

/** The PNG's width, height and inflated rows (filter byte + palette indexes). */
function readPng(bytes: Uint8Array): { width: number; height: number; rows: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  while (at < bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IHDR') [width, height] = [view.getUint32(at + 8), view.getUint32(at + 12)];
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { width, height, rows: new Uint8Array(inflateSync(Buffer.concat(idat))) };
}

describe('report rendering', () => {
  it('writes the numbers, their changes and the lists in English, escaping what visitors sent', async () => {
    const r = await renderReport(content(), { lang: 'en', operator: 'Byrå & Co', logo: null, unsubscribeUrl: 'https://t.example/reports/unsubscribe/1.x', dashboardUrl: 'https://t.example/sites/kunde.example' });
    expect(r.subject).toBe('Weekly report for kunde.example: 30 Nov – 6 Dec 2026');
    expect(r.html).toContain('Unique visitors');
    expect(r.html).toContain('1,234');
    expect(r.html).toContain('+23\u00a0%');
    expect(r.html).toContain('−3\u00a0pp');
    expect(r.html).toContain('2m 05s');
    expect(r.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(r.html).not.toMatch(/<script|<style|src="https?:/i);
    expect(r.html).toContain(`src="cid:${CHART_CID}"`);
    expect(r.html).toContain('Sent by Byrå &#38; Co');
    expect(r.html).toContain('Nothing in this period');
    expect(r.text).toContain('Unique visitors: 1,234 (+23\u00a0%), previous period: 1,000');
    expect(r.text).toContain('Unsubscribe: https://t.example/reports/unsubscribe/1.x');
  });

  it('writes bokmål for a Norwegian reader', async () => {
    const r = await renderReport(content(), { lang: 'nb', operator: null, logo: null, unsubscribeUrl: null, dashboardUrl: null });
    expect(r.subject).toBe('Ukesrapport for kunde.example: 30. nov. – 6. des. 2026');
    expect(r.html).toContain('Unike besøkende');
    expect(r.html).toContain('1\u00a0234');
    expect(r.html).toContain('Søkeord');
    expect(r.html).not.toContain('Meld deg av');
    expect(r.html).not.toContain('Sendt av');
  });

  it('draws the chart as a PNG with a bar per day, as high as its visitors', async () => {
    const r = await renderReport(content(), { lang: 'en', operator: null, logo: null, unsubscribeUrl: null, dashboardUrl: null });
    const chart = r.inline.find((i) => i.cid === CHART_CID)!;
    expect(chart.contentType).toBe('image/png');
    const png = readPng(chart.content);
    expect([png.width, png.height]).toEqual([CHART_WIDTH * 2, CHART_HEIGHT * 2]);
    const stride = png.width + 1;
    const barHeight = (day: number) => {
      const x = Math.round(((day + 0.5) * png.width) / 7) + 1;
      let h = 0;
      for (let y = png.height - 2; y >= 0 && png.rows[y * stride + x] === 1; y--) h++;
      return h;
    };
    const heights = [0, 1, 2, 3, 4, 5, 6].map(barHeight);
    expect(heights[6]).toBe(0);
    expect(heights[5]).toBeGreaterThan(heights[4]!);
    expect(heights[4]! / heights[0]!).toBeCloseTo(5, 0);
  });

  it('signs with the operator logo inline, and the message carries one-click unsubscribe headers', async () => {
    const r = await renderReport(content(), { lang: 'en', operator: 'Byrå', logo: { contentType: 'image/png', base64: PNG_1PX }, unsubscribeUrl: 'https://t.example/u', dashboardUrl: null });
    expect(r.html).toContain(`src="cid:${LOGO_CID}"`);
    expect(r.inline.map((i) => i.cid)).toEqual([CHART_CID, LOGO_CID]);
    const message = reportMessage('a@b.example', r, 'https://t.example/u');
    expect(message.headers).toEqual({ 'List-Unsubscribe': '<https://t.example/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(reportMessage('a@b.example', r, null).headers).toBeUndefined();
    const page = withDataUrls(r);
    expect(page).not.toContain('cid:');
    expect(page).toContain(`data:image/png;base64,${PNG_1PX}`);
  });
});
