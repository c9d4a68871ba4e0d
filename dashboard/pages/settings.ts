/**
 * A site's settings (owner): timezone, raw-event retention, IP storage, visitor location, exclusions,
 * allowed hostnames, site-search parameters, goals, e-mail reports, alerts, then access (Connect WordPress, tokens, shared link, viewers),
 * and the danger zone: reset, purge before a day, removal. Each section saves on its own and says next to itself whether it worked.
 * @module
 */
import './settings.css';
import '../lib/page-strings.ts';
import type { SiteSettingsJson } from '../../server/core/dashboard-api/contract.ts';
import { get, patch, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { siteHref } from '../lib/route.ts';
import { timeZoneField } from '../lib/timezone-picker.ts';
import { attempt, errorText, field, input, section, setTitle, status, uid } from '../lib/ui.ts';
import type { Dispose } from './app.ts';
import { removeSection, tokensSection, viewersSection } from './settings-access.ts';
import { purgeSection, resetSection } from './settings-danger.ts';
import { sharedLinksSection } from './shared-links.ts';
import { exportSection, privacySection } from './settings-privacy.ts';
import { importSection } from './settings-import.ts';
import { goalsSection } from './settings-goals.ts';
import { reportsSection } from './settings-reports.ts';
import { alertsSection } from './settings-alerts.ts';
import { wordpressSection } from './wordpress-connect.ts';

type Save = (change: Partial<SiteSettingsJson>) => Promise<SiteSettingsJson>;

function saveButton(): HTMLButtonElement {
  return h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
}

/** A form that saves one change and reports on its own status line. */
function savingForm(save: Save, change: () => Partial<SiteSettingsJson> | null, ...controls: Array<Node | null>): HTMLFormElement {
  const line = status();
  const button = saveButton();
  // novalidate: the server's message, next to the section, says what is wrong in the reader's terms.
  const form = h('form', { class: 'stack', novalidate: true }, ...controls, h('div', { class: 'actions' }, button, line.root));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = change();
    if (body) await attempt(button, line, () => save(body), t('common.saved'));
  });
  return form;
}

function timezoneSection(settings: SiteSettingsJson, save: Save): HTMLElement {
  const zone = timeZoneField(t('settings.timezone.label'), settings.timezone);
  return section(t('settings.timezone.title'), t('settings.timezone.intro'), savingForm(save, () => {
    const timezone = zone.read();
    return timezone ? { timezone } : null;
  }, zone.root));
}

function radio(name: string, value: string, label: string, checked: boolean, hint?: string): HTMLElement {
  const id = uid('r');
  return h(
    'div',
    { class: 'choice' },
    h('input', { type: 'radio', name, value, id, checked }),
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, hint) : null),
  );
}

function retentionSection(settings: SiteSettingsJson, save: Save): HTMLElement {
  const name = uid('retention');
  const days = input({ type: 'number', min: 1, step: 1, inputmode: 'numeric', value: settings.retentionDays ?? 365, 'aria-label': t('settings.retention.days') });
  const group = h(
    'fieldset',
    { class: 'choices' },
    h('legend', { class: 'sr-only' }, t('settings.retention.title')),
    radio(name, 'forever', t('settings.retention.forever'), settings.retentionDays === null),
    h('div', { class: 'choice-with-input' }, radio(name, 'days', t('settings.retention.keep'), settings.retentionDays !== null), days, h('span', null, t('settings.retention.daysUnit'))),
  );
  days.addEventListener('focus', () => ((group.querySelector(`input[value=days]`) as HTMLInputElement).checked = true));
  const change = () => {
    const forever = (group.querySelector(`input[value=forever]`) as HTMLInputElement).checked;
    return { retentionDays: forever ? null : Number(days.value) };
  };
  return section(t('settings.retention.title'), t('settings.retention.intro'), savingForm(save, change, group));
}

function ipSection(settings: SiteSettingsJson, save: Save): HTMLElement {
  const name = uid('ip');
  const instance = settings.instanceIpStorage === 'none' ? t('settings.ip.none') : t('settings.ip.truncated');
  const group = h(
    'fieldset',
    { class: 'choices' },
    h('legend', { class: 'sr-only' }, t('settings.ip.title')),
    radio(name, 'default', t('settings.ip.default', { mode: instance }), settings.ipStorage === null, t('settings.ip.default.hint')),
    radio(name, 'truncated', t('settings.ip.truncated'), settings.ipStorage === 'truncated', t('settings.ip.truncated.hint')),
    radio(name, 'none', t('settings.ip.none'), settings.ipStorage === 'none', t('settings.ip.none.hint')),
  );
  const change = (): Partial<SiteSettingsJson> => {
    const value = (group.querySelector('input:checked') as HTMLInputElement | null)?.value;
    return { ipStorage: value === 'truncated' || value === 'none' ? value : null };
  };
  return section(t('settings.ip.title'), t('settings.ip.intro'), savingForm(save, change, group));
}

const LOCATION_PRECISIONS = ['country', 'region', 'city'] as const;

function locationSection(settings: SiteSettingsJson, save: Save): HTMLElement {
  const select = h(
    'select',
    { class: 'input' },
    LOCATION_PRECISIONS.map((value) => h('option', { value, selected: value === settings.locationPrecision }, t(`settings.location.${value}`))),
  );
  const control = field(t('settings.location.label'), select, t('settings.location.hint'));
  const change = (): Partial<SiteSettingsJson> => ({ locationPrecision: select.value as SiteSettingsJson['locationPrecision'] });
  return section(t('settings.location.title'), t('settings.location.intro'), savingForm(save, change, control.root));
}

type ListKey = 'excludedIps' | 'excludedPaths' | 'allowedHostnames' | 'searchParams';

/** A list saved whole on every add or remove; the server's answer is what is shown next. */
function listEditor(settings: SiteSettingsJson, key: ListKey, label: string, placeholder: string, save: Save): HTMLElement {
  let values = settings[key];
  const list = h('ul', { class: 'list-editor', role: 'list' });
  const line = status();
  const entry = input({ placeholder, autocomplete: 'off', spellcheck: 'false' });
  const add = h('button', { type: 'submit', class: 'btn' }, t('common.add'));
  const commit = async (next: string[], button: HTMLButtonElement | null) => {
    const saved = await attempt(button, line, () => save({ [key]: next }), t('common.saved'));
    if (!saved) return false;
    values = saved[key];
    draw();
    return true;
  };
  const draw = () =>
    replace(
      list,
      values.length === 0
        ? h('li', { class: 'muted' }, t('settings.list.empty'))
        : values.map((value) => {
            const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('settings.list.removeItem', { item: value }) }, t('common.remove'));
            remove.addEventListener('click', () => void commit(values.filter((v) => v !== value), remove));
            return h('li', null, h('code', null, value), remove);
          }),
    );
  draw();
  const id = uid('list');
  entry.id = id;
  const form = h('form', { class: 'inline-form' }, h('label', { for: id, class: 'sr-only' }, label), entry, add);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = entry.value.trim();
    if (!value) return;
    if (await commit([...values, value], add)) entry.value = '';
  });
  return h('div', { class: 'stack-s' }, h('h3', null, label), list, form, line.root);
}

function listsSection(settings: SiteSettingsJson, save: Save): HTMLElement[] {
  return [
    section(
      t('settings.exclusions.title'),
      t('settings.exclusions.intro'),
      listEditor(settings, 'excludedIps', t('settings.exclusions.ips'), '203.0.113.0/24', save),
      listEditor(settings, 'excludedPaths', t('settings.exclusions.paths'), '/admin/*', save),
    ),
    section(t('settings.hostnames.title'), t('settings.hostnames.intro'), listEditor(settings, 'allowedHostnames', t('settings.hostnames.label'), '*.example.com', save)),
    section(t('settings.search.title'), t('settings.search.intro'), listEditor(settings, 'searchParams', t('settings.search.label'), 'q', save)),
  ];
}

/** In-page links to every section, for a long page on a wide screen. */
function contents(body: HTMLElement): HTMLElement {
  const headings = [...body.querySelectorAll<HTMLHeadingElement>('section > h2')];
  return h(
    'nav',
    { class: 'toc', 'aria-label': t('settings.contents') },
    h('ul', { role: 'list' }, headings.map((heading) => h('li', null, h('a', { href: `#${heading.id}` }, heading.textContent ?? '')))),
  );
}

export function renderSettings(main: HTMLElement, domain: string): Dispose {
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  const aside = h('div', { class: 'toc-column' });
  replace(
    main,
    h(
      'div',
      { class: 'page' },
      h('p', { class: 'crumb' }, link(siteHref(domain), {}, t('settings.back', { domain }))),
      h('h1', null, t('settings.title', { domain })),
      h('div', { class: 'settings-layout' }, aside, body),
    ),
  );
  setTitle(t('settings.title', { domain }));
  let live = true;
  const save: Save = (change) => patch<SiteSettingsJson>(sitePath(domain, '/settings'), change);
  get<SiteSettingsJson>(sitePath(domain, '/settings'))
    .then((settings) => {
      if (!live) return;
      replace(
        body,
        timezoneSection(settings, save),
        retentionSection(settings, save),
        ipSection(settings, save),
        locationSection(settings, save),
        listsSection(settings, save),
        goalsSection(domain),
        reportsSection(domain),
        alertsSection(domain),
        wordpressSection(domain),
        tokensSection(domain),
        sharedLinksSection(domain),
        viewersSection(domain),
        privacySection(domain),
        exportSection(domain),
        importSection(domain),
        resetSection(domain),
        purgeSection(domain, settings.timezone),
        removeSection(domain),
      );
      replace(aside, contents(body));
      // A link to one section (the Goals panel's `#goals`) lands on it once the page is drawn.
      if (location.hash.length > 1) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
    })
    .catch((error: unknown) => {
      if (live) replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
    });
  return () => {
    live = false;
  };
}
