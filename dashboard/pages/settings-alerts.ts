/**
 * The Alerts section of a site's settings (owner): which alerts (no events for N hours, a
 * traffic spike, tracking is back), where they go (the owners, chosen addresses or no mail,
 * and a webhook), in which language; Save, "Send a test alert", and the recent alerts with
 * how each send went. The rules themselves are the server's (docs/reports.md#alerts).
 * @module
 */
import './settings-alerts.css';
import type { AlertSettings } from '../../server/core/alerts/settings.ts';
import type { AlertSettingsJson, RecentAlert, TestAlertJson } from '../../server/core/http/dashboard-alerts.ts';
import { get, post, put, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { showOnField } from '../lib/form-fields.ts';
import { locale, t } from '../lib/i18n.ts';
import { errorText, type Field, field, input, section, status, uid } from '../lib/ui.ts';

type Recipients = 'owners' | 'list' | 'none';

function checkbox(label: string, checked: boolean, hint: string): { root: HTMLElement; box: HTMLInputElement } {
  const id = uid('alert');
  const box = h('input', { type: 'checkbox', id, checked });
  return { root: h('div', { class: 'choice' }, box, h('label', { for: id }, label, h('span', { class: 'hint' }, hint))), box };
}

function numberField(label: string, value: number | null, attrs: Record<string, string | number>): Field {
  return field(label, input({ type: 'number', inputmode: 'decimal', value: value ?? '', ...attrs }));
}

function radio(name: string, value: Recipients, label: string, checked: boolean): HTMLElement {
  const id = uid('r');
  return h('div', { class: 'choice' }, h('input', { type: 'radio', name, value, id, checked }), h('label', { for: id }, label));
}

const numberOrNull = (f: Field) => (f.input.value.trim() === '' ? null : Number(f.input.value));

function when(sec: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(sec * 1000);
}

function recentList(recent: RecentAlert[]): HTMLElement {
  if (recent.length === 0) return h('p', { class: 'muted' }, t('alerts.recent.none'));
  return h(
    'ul',
    { role: 'list', class: 'alert-log' },
    recent.map((alert) =>
      h(
        'li',
        null,
        h('span', { class: 'alert-log-what' }, t(`alerts.kind.${alert.kind}`)),
        h('span', { class: 'muted' }, when(alert.at)),
        h(
          'span',
          { class: 'alert-log-sends' },
          alert.deliveries.map((d) =>
            h(
              'span',
              { class: 'alert-send', 'data-status': d.status, title: d.error || undefined },
              `${d.channel === 'webhook' ? t('alerts.channel.webhook') : d.to} · ${t(`alerts.status.${d.status}`)}`,
            ),
          ),
        ),
      ),
    ),
  );
}

interface Then {
  saved(next: AlertSettingsJson): void;
  tested(next: AlertSettingsJson): void;
}

function form(domain: string, data: AlertSettingsJson, savedNow: boolean, then: Then): HTMLElement {
  const s = data.settings;
  const noEvents = checkbox(t('alerts.noEvents'), s.noEvents, t('alerts.noEvents.hint'));
  const hours = numberField(t('alerts.hours'), s.noEventsHours, { min: 1, max: 168, step: 1 });
  const spike = checkbox(t('alerts.spike'), s.spike, t('alerts.spike.hint'));
  const visitors = numberField(t('alerts.spikeVisitors'), s.spikeVisitors, { min: 1, step: 1 });
  const factor = numberField(t('alerts.spikeFactor'), s.spikeFactor, { min: 1.5, max: 100, step: 0.5 });
  const back = checkbox(t('alerts.back'), s.back, t('alerts.back.hint'));
  const name = uid('recipients');
  const recipients: Recipients = s.emails === null ? 'owners' : s.emails.length === 0 ? 'none' : 'list';
  const emails = field(t('alerts.emails'), input({ type: 'text', inputmode: 'email', autocomplete: 'off', spellcheck: 'false', value: (s.emails ?? []).join(', '), placeholder: 'ops@example.com, client@example.com' }), t('alerts.emails.hint'));
  const mailGroup = h(
    'fieldset',
    { class: 'choices' },
    h('legend', null, t('alerts.mail')),
    data.mail ? null : h('p', { class: 'hint alert-no-mail' }, t('alerts.noMail')),
    radio(name, 'owners', t('alerts.mail.owners', { owners: data.owners.join(', ') || '–' }), recipients === 'owners'),
    radio(name, 'list', t('alerts.mail.list'), recipients === 'list'),
    h('div', { class: 'alert-emails' }, emails.root),
    radio(name, 'none', t('alerts.mail.none'), recipients === 'none'),
  );
  emails.input.addEventListener('focus', () => ((mailGroup.querySelector('input[value=list]') as HTMLInputElement).checked = true));
  const webhook = field(t('alerts.webhook'), input({ type: 'url', autocomplete: 'off', spellcheck: 'false', value: s.webhookUrl, placeholder: 'https://hooks.slack.com/services/…' }), t('alerts.webhook.hint'));
  const language = h(
    'select',
    { class: 'input' },
    (['en', 'nb'] as const).map((value) => h('option', { value, selected: value === s.lang }, t(`alerts.lang.${value}`))),
  );
  const languageField = field(t('alerts.lang'), language);
  // A rule's numbers take input only while the rule is on.
  const follow = (box: HTMLInputElement, inputs: Field[]) => {
    const sync = () => inputs.forEach((f) => (f.input.disabled = !box.checked));
    box.addEventListener('change', sync);
    sync();
  };
  follow(noEvents.box, [hours]);
  follow(spike.box, [visitors, factor]);
  const fields: Record<string, Field> = { noEventsHours: hours, spikeVisitors: visitors, spikeFactor: factor, emails, webhookUrl: webhook };
  const line = status();
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
  const test = h('button', { type: 'button', class: 'btn' }, t('alerts.test'));
  const results = h('ul', { role: 'list', class: 'alert-test-results', hidden: true });
  if (savedNow) line.ok(t('common.saved'));

  const change = (): Partial<AlertSettings> => {
    const chosen = (mailGroup.querySelector('input:checked') as HTMLInputElement).value as Recipients;
    return {
      noEvents: noEvents.box.checked,
      noEventsHours: Number(hours.input.value),
      spike: spike.box.checked,
      spikeVisitors: numberOrNull(visitors),
      spikeFactor: numberOrNull(factor),
      back: back.box.checked,
      emails: chosen === 'owners' ? null : chosen === 'none' ? [] : emails.input.value.split(/[\s,;]+/).filter((e) => e !== ''),
      webhookUrl: webhook.input.value,
      lang: language.value === 'nb' ? 'nb' : 'en',
    };
  };
  const root = h(
    'form',
    { class: 'stack alert-form', novalidate: true },
    h(
      'fieldset',
      { class: 'choices' },
      h('legend', null, t('alerts.when')),
      noEvents.root,
      h('div', { class: 'alert-sub field-row' }, hours.root),
      spike.root,
      h('div', { class: 'alert-sub field-row' }, visitors.root, factor.root),
      back.root,
    ),
    mailGroup,
    webhook.root,
    languageField.root,
    h('div', { class: 'actions' }, save, test, line.root),
    results,
  );
  root.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.setError(null);
    save.disabled = true;
    line.clear();
    try {
      then.saved(await put<AlertSettingsJson>(sitePath(domain, '/alerts'), change()));
    } catch (error) {
      if (!showOnField(error, fields)) line.error(errorText(error));
    } finally {
      save.disabled = false;
    }
  });
  test.addEventListener('click', async () => {
    test.disabled = true;
    line.clear();
    results.hidden = true;
    try {
      const answer = await post<TestAlertJson>(sitePath(domain, '/alerts/test'));
      replace(
        results,
        answer.results.map((r) => {
          const where = r.channel === 'webhook' ? t('alerts.channel.webhook') : r.to ?? '';
          return h('li', { 'data-status': r.ok ? 'sent' : 'failed' }, r.ok ? t('alerts.test.sent', { where }) : t('alerts.test.failed', { where, error: r.error ?? '' }));
        }),
      );
      results.hidden = false;
      then.tested(await get<AlertSettingsJson>(sitePath(domain, '/alerts')));
    } catch (error) {
      line.error(errorText(error));
    } finally {
      test.disabled = false;
    }
  });
  return root;
}

export function alertsSection(domain: string): HTMLElement {
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  const recent = h('div', { class: 'stack-s' });
  const showRecent = (data: AlertSettingsJson) => replace(recent, h('h3', null, t('alerts.recent')), recentList(data.recent));
  const draw = (data: AlertSettingsJson, savedNow: boolean) => {
    replace(body, form(domain, data, savedNow, { saved: (next) => draw(next, true), tested: showRecent }));
    showRecent(data);
  };
  get<AlertSettingsJson>(sitePath(domain, '/alerts')).then(
    (data) => draw(data, false),
    (error: unknown) => replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
  );
  const root = section(t('alerts.title'), t('alerts.intro'), body, recent);
  // Alert messages link here (`/settings#alerts`).
  root.id = 'alerts';
  return root;
}
