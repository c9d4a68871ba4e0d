/**
 * The alert rules (server/core/alerts/rules.ts) as pure functions: suppression, local hours
 * across zones and DST, the "usual" traffic, no-events with its night hold, spike and back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectedVisits,
  hourlyMeans,
  isBack,
  lastWholeHour,
  localHour,
  mayRaise,
  median,
  MIN_SPIKE_VISITORS,
  noEventsDecision,
  type NoEventsInput,
  sameHourDaysBefore,
  spikeDecision,
  SUPPRESS_SECONDS,
} from '../../server/core/alerts/rules.ts';
import { AlertSettingsError, checkWebhookUrl, DEFAULT_ALERT_SETTINGS, parseAlertSettings } from '../../server/core/alerts/settings.ts';
import { alertMail, webhookBody } from '../../server/core/alerts/message.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const H = 3600;

describe('suppression', () => {
  it('allows one of a kind per 12 hours, the first always', () => {
    expect(mayRaise(null, 0)).toBe(true);
    expect(mayRaise(1000, 1000 + SUPPRESS_SECONDS - 1)).toBe(false);
    expect(mayRaise(1000, 1000 + SUPPRESS_SECONDS)).toBe(true);
  });

  it('never lets two raised alerts be under 12 hours apart, over any sequence of ticks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 * H }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let now = 0;
        let last: number | null = null;
        const raised: number[] = [];
        for (const gap of gaps) {
          now += gap;
          if (mayRaise(last, now)) {
            raised.push(now);
            last = now;
          }
        }
        return raised.every((t, i) => i === 0 || t - raised[i - 1]! >= SUPPRESS_SECONDS);
      }),
    );
  });
});

describe('local hours', () => {
  it('reads the hour of the day in the site’s zone, half-hour offsets included', () => {
    expect(localHour('Europe/Oslo', at('2024-01-10T23:30:00Z'))).toBe(0);
    expect(localHour('Asia/Kolkata', at('2024-01-10T00:00:00Z'))).toBe(5);
    expect(localHour('America/New_York', at('2024-07-01T03:00:00Z'))).toBe(23);
  });

  it('takes the last whole local hour', () => {
    expect(lastWholeHour('Europe/Oslo', at('2024-01-10T12:07:00Z'))).toBe(at('2024-01-10T11:00:00Z'));
    // India is UTC+5:30: its hours start at :30 UTC.
    expect(lastWholeHour('Asia/Kolkata', at('2024-01-10T12:07:00Z'))).toBe(at('2024-01-10T10:30:00Z'));
    expect(lastWholeHour('Etc/UTC', at('2024-01-10T12:00:00Z'))).toBe(at('2024-01-10T11:00:00Z'));
  });

  it('finds the same wall-clock hour days before, across a DST change', () => {
    // 1 April 2024 14:00 in Oslo is 12:00Z (summer time); 30 March 14:00 was 13:00Z.
    expect(sameHourDaysBefore('Europe/Oslo', at('2024-04-01T12:00:00Z'), 2)).toBe(at('2024-03-30T13:00:00Z'));
    expect(sameHourDaysBefore('Europe/Oslo', at('2024-04-01T12:00:00Z'), 1)).toBe(at('2024-03-31T12:00:00Z'));
  });
});

describe('usual traffic', () => {
  it('takes the median, with an even count the middle two’s mean', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it('averages visits per local hour and adds them up over a stretch, parts of hours in part', () => {
    const buckets = [
      { start: at('2024-01-01T09:00:00Z'), visits: 6 },
      { start: at('2024-01-02T09:00:00Z'), visits: 8 },
      { start: at('2024-01-02T10:00:00Z'), visits: 2 },
    ];
    const means = hourlyMeans('Etc/UTC', buckets, 2);
    expect(means[9]).toBe(7);
    expect(means[10]).toBe(1);
    expect(means.reduce((a, b) => a + b)).toBe(8);
    expect(expectedVisits('Etc/UTC', means, at('2024-01-05T09:30:00Z'), at('2024-01-05T11:00:00Z'))).toBe(3.5 + 1);
    expect(expectedVisits('Etc/UTC', means, at('2024-01-05T00:00:00Z'), at('2024-01-07T00:00:00Z'))).toBe(16);
  });
});

describe('no events for N hours', () => {
  const day = at('2024-01-10T12:00:00Z');
  const base: NoEventsInput = { now: day, timeZone: 'Etc/UTC', hours: 24, lastEvent: day - 25 * H, siteCreated: day - 30 * 86_400, silentSince: null, means: null };
  const busy = new Array<number>(24).fill(2);
  const smallByDay = new Array<number>(24).fill(0).map((_, h) => (h >= 8 && h < 20 ? 0.5 : 0));

  it('alerts a silence of N hours on a site with events', () => {
    expect(noEventsDecision(base)).toBe('alert');
    expect(noEventsDecision({ ...base, means: busy })).toBe('alert');
  });

  it('is quiet before N hours, for a site that never had an event, a new site, or a silence already alerted', () => {
    expect(noEventsDecision({ ...base, lastEvent: day - 23 * H })).toBe('none');
    expect(noEventsDecision({ ...base, lastEvent: null })).toBe('none');
    expect(noEventsDecision({ ...base, siteCreated: day - 23 * H })).toBe('none');
    expect(noEventsDecision({ ...base, silentSince: base.lastEvent })).toBe('none');
  });

  it('does not alert a site that usually has under 3 visits in the silent hours', () => {
    expect(noEventsDecision({ ...base, hours: 6, lastEvent: day - 6 * H, means: smallByDay })).toBe('usual');
    // Six visits a day over 24 silent hours is unusual.
    expect(noEventsDecision({ ...base, means: smallByDay })).toBe('alert');
  });

  it('holds a small site’s alert at night, and sends it in the morning; a site busy at night is alerted at night', () => {
    const night = at('2024-01-10T03:00:00Z');
    const input = { ...base, now: night, lastEvent: night - 25 * H };
    expect(noEventsDecision({ ...input, means: smallByDay })).toBe('night');
    expect(noEventsDecision(input)).toBe('night');
    expect(noEventsDecision({ ...input, means: busy })).toBe('alert');
    const morning = at('2024-01-10T07:00:00Z');
    expect(noEventsDecision({ ...input, now: morning, means: smallByDay })).toBe('alert');
  });

  it('reads the night in the site’s zone', () => {
    // 20:00Z is 05:00 in Tokyo (night) and 15:00 in New York (day).
    const now = at('2024-01-10T20:00:00Z');
    expect(noEventsDecision({ ...base, now, lastEvent: now - 25 * H, timeZone: 'Asia/Tokyo' })).toBe('night');
    expect(noEventsDecision({ ...base, now, lastEvent: now - 25 * H, timeZone: 'America/New_York' })).toBe('alert');
  });
});

describe('spike', () => {
  it('fires at the absolute threshold', () => {
    expect(spikeDecision({ threshold: 100, factor: null }, 99, null)).toBe(null);
    expect(spikeDecision({ threshold: 100, factor: null }, 100, null)).toBe('threshold');
  });

  it('fires at k times the usual hour, given a week of history, and at 10 visitors at least', () => {
    const rule = { threshold: null, factor: 3 };
    expect(spikeDecision(rule, 500, null)).toBe(null);
    expect(spikeDecision(rule, 59, 20)).toBe(null);
    expect(spikeDecision(rule, 60, 20)).toBe('factor');
    expect(spikeDecision(rule, 9, 0)).toBe(null);
    expect(spikeDecision(rule, 10, 0)).toBe('factor');
  });

  it('never calls a spike below k times the usual or below the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 5000, noNaN: true }), fc.double({ min: 1.5, max: 100, noNaN: true }), (visitors, usual, factor) => {
        const fired = spikeDecision({ threshold: null, factor }, visitors, usual) === 'factor';
        return fired === (visitors >= MIN_SPIKE_VISITORS && visitors >= factor * usual);
      }),
    );
  });
});

describe('tracking is back', () => {
  it('is back once an event is newer than the alerted silence', () => {
    expect(isBack(null, 100)).toBe(false);
    expect(isBack(100, 100)).toBe(false);
    expect(isBack(100, 101)).toBe(true);
  });
});

describe('webhook URLs', () => {
  it('accepts https, and http only to this machine', () => {
    expect(checkWebhookUrl('')).toEqual({ ok: '' });
    expect(checkWebhookUrl(' https://hooks.slack.com/services/T/B/X ')).toEqual({ ok: 'https://hooks.slack.com/services/T/B/X' });
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook')).toEqual({ ok: 'http://127.0.0.1:8080/hook' });
    expect(checkWebhookUrl('http://localhost/hook')).toEqual({ ok: 'http://localhost/hook' });
    expect(checkWebhookUrl('http://example.com/hook')).toEqual({ problem: expect.stringContaining('https://') });
    expect(checkWebhookUrl('ftp://example.com/hook')).toEqual({ problem: expect.stringContaining('https://') });
    expect(checkWebhookUrl('hooks.slack.com/x')).toEqual({ problem: expect.stringContaining('not a URL') });
  });
});

describe('settings input', () => {
  const FIELDS = ['noEvents', 'noEventsHours', 'spike', 'spikeVisitors', 'spikeFactor', 'back', 'emails', 'webhookUrl', 'lang'];

  it('either accepts a body or refuses it with a message naming one of its fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue()), (body) => {
        try {
          const next = parseAlertSettings(body as Record<string, unknown>, { ...DEFAULT_ALERT_SETTINGS });
          return Number.isInteger(next.noEventsHours) && (!next.spike || next.spikeVisitors !== null || next.spikeFactor !== null);
        } catch (e) {
          return e instanceof AlertSettingsError && FIELDS.some((f) => e.message.startsWith(`${f}: `));
        }
      }),
    );
  });

  it('keeps what the body does not name, and normalizes addresses', () => {
    const next = parseAlertSettings({ emails: [' Ops@Example.com', 'ops@example.com', ''], spike: true, spikeFactor: 2.25 }, { ...DEFAULT_ALERT_SETTINGS });
    expect(next).toEqual({ ...DEFAULT_ALERT_SETTINGS, emails: ['ops@example.com'], spike: true, spikeFactor: 2.3 });
  });
});

describe('messages', () => {
  const facts = { kind: 'no_events' as const, domain: 'shop.example', timeZone: 'Europe/Oslo', hours: 24, lastEvent: at('2024-01-09T13:05:00Z') };

  it('says the same in the webhook’s text (Slack, Teams) and content (Discord), with the time in the site’s zone', () => {
    const body = webhookBody(facts, 'en', 'https://teller.example/sites/shop.example/settings#alerts');
    expect(body.text).toBe(body.content);
    expect(body.text).toContain('No events from shop.example for 24 hours');
    expect(body.text).toContain('14:05');
    expect(body.text).toContain('https://teller.example/sites/shop.example/settings#alerts');
    expect(body.content.length).toBeLessThan(2000);
  });

  it('writes bokmål, in plain text and escaped HTML', () => {
    const mail = alertMail({ ...facts, domain: 'a<b>.example' }, 'nb', 'eier@example.com', null);
    expect(mail.subject).toBe('Ingen hendelser fra a<b>.example på 24 timer');
    expect(mail.text).toContain('Sjekk at sporingskoden');
    expect(mail.html).toContain('a&#60;b&#62;.example');
    expect(mail.html).not.toContain('<b>');
  });
});
