/**
 * The timezone field of the add-site form and of a site's settings: a text box that searches
 * the canonical IANA names (with each zone's offset) as one types, the zone's offset and local
 * time now, and the browser's own zone offered as a visible suggestion, never chosen silently.
 * @module
 */
import { TIMEZONE_ALIASES, canonicalTimeZone, canonicalTimeZones } from '../../server/core/timezones.ts';
import { h } from './dom.ts';
import { locale, t } from './i18n.ts';
import { type Field, field, uid } from './ui.ts';

export interface TimeZoneField extends Field<HTMLInputElement> {
  /** The chosen zone by canonical name, or null with the reason shown under the field. */
  read(): string | null;
}

/** The browser's zone by its canonical name. */
export function browserTimeZone(): string {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return canonicalTimeZone(own) ?? own;
}

/** The browser's zones, its own and the site's (which the CLI may have set to one the browser does not list). */
function knownZones(current: string | undefined): string[] {
  return canonicalTimeZones([browserTimeZone(), ...(current ? [current] : [])]);
}

/** `UTC+05:30`, `UTC−08:00` or `UTC` now in `zone`; null for a zone this browser does not know. */
export function offsetOf(zone: string, at = Date.now()): string | null {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return (part?.value ?? 'GMT').replace('GMT', 'UTC').replace('-', '−');
  } catch {
    return null;
  }
}

function clockIn(zone: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(Date.now());
}

/** `current` is the site's zone; without it (a new site) the box starts empty. */
export function timeZoneField(label: string, current?: string, hint?: string): TimeZoneField {
  const zones = knownZones(current);
  // Typed in any case, by its current or its old name.
  const byLowerCase = new Map([...Object.entries(TIMEZONE_ALIASES), ...zones.map((z) => [z, z] as const)].map(([name, zone]) => [name.toLowerCase(), zone]));
  const listId = uid('tz-list');
  const input = h('input', {
    class: 'input',
    type: 'text',
    name: 'timezone',
    list: listId,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: t('tz.placeholder'),
    value: current ? (canonicalTimeZone(current) ?? current) : '',
  });
  // The label carries the offset too, so typing "+05:30" or "New York" finds a zone.
  const list = h('datalist', { id: listId }, ...zones.map((z) => h('option', { value: z, label: `${z.replace(/_/g, ' ')} (${offsetOf(z) ?? ''})` })));
  const now = h('p', { class: 'hint tz-now', 'aria-live': 'polite' });
  const own = browserTimeZone();
  const use = h('button', { type: 'button', class: 'btn btn-small' }, t('tz.useBrowser'));
  const suggestion = h('p', { class: 'tz-suggestion' }, h('span', null, t('tz.browser', { zone: own, offset: offsetOf(own) ?? '' })), ' ', use);
  const base = field(label, input, hint);
  base.root.append(list, now, suggestion);

  /** What the box names, by canonical name, or null when it names no known zone. */
  const chosen = (): string | null => {
    return byLowerCase.get(input.value.trim().replace(/ /g, '_').toLowerCase()) ?? null;
  };
  const refresh = () => {
    const zone = chosen();
    const offset = zone && offsetOf(zone);
    now.textContent = zone && offset ? t('tz.now', { time: clockIn(zone), offset }) : '';
    now.hidden = !now.textContent;
    suggestion.hidden = zone === own;
  };
  input.addEventListener('input', () => {
    base.setError(null);
    refresh();
  });
  use.addEventListener('click', () => {
    input.value = own;
    base.setError(null);
    refresh();
    input.focus();
  });
  refresh();

  return {
    ...base,
    read() {
      const zone = chosen();
      if (zone) {
        input.value = zone;
        return zone;
      }
      base.setError(input.value.trim() === '' ? t('tz.required') : t('tz.unknown', { zone: input.value.trim() }));
      input.focus();
      return null;
    },
  };
}
