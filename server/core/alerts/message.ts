/**
 * What an alert says, in English or bokmål: a subject and a few sentences, as a mail (plain
 * text and simple HTML) and as a webhook body Slack, Microsoft Teams and Discord accept.
 * @module
 */
import type { MailMessage } from '../ports.ts';
import type { AlertLang } from './settings.ts';

/** The facts of one alert, stored with it (alert_log.facts) so a retry says the same. */
export type AlertFacts =
  | { kind: 'no_events'; domain: string; timeZone: string; hours: number; lastEvent: number }
  | { kind: 'back'; domain: string; timeZone: string; silentSince: number }
  | { kind: 'spike'; domain: string; timeZone: string; hourStart: number; visitors: number; usual: number | null; threshold: number | null }
  | { kind: 'test'; domain: string };

export interface AlertText {
  subject: string;
  lines: string[];
}

function when(lang: AlertLang, timeZone: string, sec: number, style: 'full' | 'time'): string {
  const format = new Intl.DateTimeFormat(lang === 'nb' ? 'nb-NO' : 'en-GB', {
    timeZone,
    ...(style === 'full' ? { dateStyle: 'medium', timeStyle: 'short' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  });
  return format.format(sec * 1000);
}

function hoursText(lang: AlertLang, hours: number): string {
  if (lang === 'nb') return `${hours} ${hours === 1 ? 'time' : 'timer'}`;
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}

function usualText(lang: AlertLang, usual: number): string {
  return String(Math.round(usual * 10) / 10).replace('.', lang === 'nb' ? ',' : '.');
}

export function alertText(facts: AlertFacts, lang: AlertLang): AlertText {
  const nb = lang === 'nb';
  const d = facts.domain;
  switch (facts.kind) {
    case 'no_events': {
      const since = `${when(lang, facts.timeZone, facts.lastEvent, 'full')} (${facts.timeZone})`;
      const hours = hoursText(lang, facts.hours);
      return nb
        ? {
            subject: `Ingen hendelser fra ${d} på ${hours}`,
            lines: [
              `Teller har ikke fått noen hendelser fra ${d} siden ${since}: ${hours} eller mer.`,
              'Sjekk at sporingskoden fortsatt er på sidene; en oppdatering av tema eller utvidelser kan ha fjernet den.',
            ],
          }
        : {
            subject: `No events from ${d} for ${hours}`,
            lines: [
              `Teller has received no events from ${d} since ${since}: ${hours} or more.`,
              'Check that the tracking snippet is still on its pages; a theme or plugin update may have removed it.',
            ],
          };
    }
    case 'back': {
      const since = `${when(lang, facts.timeZone, facts.silentSince, 'full')} (${facts.timeZone})`;
      return nb
        ? { subject: `Sporingen virker igjen på ${d}`, lines: [`Hendelser fra ${d} kommer inn igjen, etter ingen siden ${since}.`] }
        : { subject: `Tracking is back on ${d}`, lines: [`Events from ${d} are arriving again, after none since ${since}.`] };
    }
    case 'spike': {
      const from = when(lang, facts.timeZone, facts.hourStart, 'time');
      const to = when(lang, facts.timeZone, facts.hourStart + 3600, 'time');
      const first = nb
        ? `${d} hadde ${facts.visitors} besøkende mellom ${from} og ${to} (${facts.timeZone}).`
        : `${d} had ${facts.visitors} visitors between ${from} and ${to} (${facts.timeZone}).`;
      const lines = [first];
      if (facts.usual !== null) lines.push(nb ? `Vanligvis har den timen ${usualText(lang, facts.usual)} besøkende.` : `That hour usually has ${usualText(lang, facts.usual)} visitors.`);
      if (facts.threshold !== null) lines.push(nb ? `Varslingsgrensen er ${facts.threshold} besøkende i timen.` : `The alert threshold is ${facts.threshold} visitors in an hour.`);
      return {
        subject: nb ? `Trafikktopp på ${d}: ${facts.visitors} besøkende på en time` : `Traffic spike on ${d}: ${facts.visitors} visitors in an hour`,
        lines,
      };
    }
    case 'test':
      return nb
        ? { subject: `Testvarsel for ${d}`, lines: [`Dette er en test av varslene for ${d}. Varslene kommer hit.`] }
        : { subject: `Test alert for ${d}`, lines: [`This is a test of the alerts for ${d}. Alerts will arrive here.`] };
  }
}

function settingsLine(lang: AlertLang, link: string | null): string | null {
  if (link === null) return null;
  return lang === 'nb' ? `Varselinnstillinger: ${link}` : `Alert settings: ${link}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The mail of an alert to one recipient; `link` is the site's alert settings (null when the public URL is unknown). */
export function alertMail(facts: AlertFacts, lang: AlertLang, to: string, link: string | null): MailMessage {
  const { subject, lines } = alertText(facts, lang);
  const footer = settingsLine(lang, link);
  const text = [...lines, ...(footer ? [footer] : [])].join('\n\n');
  const paragraphs = lines.map((l) => `<p style="margin:0 0 12px">${escapeHtml(l)}</p>`).join('');
  const more = link === null ? '' : `<p style="margin:16px 0 0;color:#555;font-size:13px"><a href="${escapeHtml(link)}">${escapeHtml(lang === 'nb' ? 'Varselinnstillinger' : 'Alert settings')}</a></p>`;
  const html = `<!doctype html><html lang="${lang}"><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111"><h1 style="font-size:18px;margin:0 0 12px">${escapeHtml(subject)}</h1>${paragraphs}${more}</body></html>`;
  return { to, subject, text, html };
}

/**
 * The webhook body: `text` is what Slack's incoming webhooks and Teams' (Microsoft 365
 * connector) incoming webhooks show, `content` what Discord's show; each ignores the other.
 * Discord refuses content over 2,000 characters; an alert is far shorter.
 */
export function webhookBody(facts: AlertFacts, lang: AlertLang, link: string | null): { text: string; content: string } {
  const { subject, lines } = alertText(facts, lang);
  const footer = settingsLine(lang, link);
  const message = [subject, ...lines, ...(footer ? [footer] : [])].join('\n');
  return { text: message, content: message };
}
