/**
 * The analytics paragraph of the site's privacy policy, which the server writes from what
 * this instance is configured to collect: picked by language and format, shown, copied;
 * with the operator it names and the property names it may list.
 * @module
 */
import type { PrivacyPropsJson } from '../../server/core/privacy/site-privacy.ts';
import { get, getText, put } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { lang, t } from '../lib/i18n.ts';
import { attempt, copyBox, errorText, field, input, section, status, uid } from '../lib/ui.ts';

const FORMATS = ['md', 'html', 'txt'] as const;
type Format = (typeof FORMATS)[number];
/** The privacy text's languages, named in their own language as the language switch does. */
const LANGUAGES: Array<[string, string]> = [
  ['nb', 'Norsk bokmål'],
  ['en', 'English'],
];

export function privacySection(domain: string): HTMLElement {
  const language = h('select', { class: 'input' }, LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === lang() }, name)));
  const format = h('select', { class: 'input' }, FORMATS.map((f: Format) => h('option', { value: f }, t(`settings.privacy.format.${f}`))));
  const shown = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const load = () => {
    const path = `/api/v1/sites/${encodeURIComponent(domain)}/privacy-text?lang=${language.value}&format=${format.value}`;
    getText(path).then(
      (text) => replace(shown, copyBox(text, t('settings.privacy.title'), true)),
      (error: unknown) => replace(shown, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
    );
  };
  language.addEventListener('change', load);
  format.addEventListener('change', load);
  load();
  return section(
    t('settings.privacy.title'),
    t('settings.privacy.intro'),
    operatorForm(domain, load),
    propsChooser(domain, load),
    h('div', { class: 'field-row' }, field(t('settings.privacy.language'), language).root, field(t('settings.privacy.format'), format).root),
    shown,
  );
}

/** Who the text names as responsible for the site; saving fetches the text again. */
function operatorForm(domain: string, saved: () => void): HTMLElement {
  const operator = field(t('settings.privacy.operator'), input({ autocomplete: 'organization' }), t('settings.privacy.operator.hint'));
  const line = status();
  const button = h('button', { type: 'submit', class: 'btn' }, t('common.save'));
  const form = h('form', { class: 'stack-s', novalidate: true }, operator.root, h('div', { class: 'actions' }, button, line.root));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const path = `/api/v1/sites/${encodeURIComponent(domain)}/operator`;
    if (await attempt(button, line, () => put(path, { operator: operator.input.value }), t('common.saved'))) saved();
  });
  return form;
}

/**
 * The custom property names the text may list. Anyone can send an event with any property
 * name, so a name is listed only once the owner ticks it here; each tick saves at once and
 * fetches the text again. Names are shown as text nodes, whatever a visitor sent.
 */
function propsChooser(domain: string, saved: () => void): HTMLElement {
  const path = `/api/v1/sites/${encodeURIComponent(domain)}/privacy-props`;
  const boxes = h('div', { class: 'stack-s' }, h('p', { class: 'muted' }, t('common.loading')));
  const group = h('fieldset', { class: 'choices' }, h('legend', null, t('settings.privacy.props')), h('p', { class: 'hint' }, t('settings.privacy.props.hint')), boxes);
  const line = status();
  const draw = ({ confirmed, unconfirmed }: PrivacyPropsJson) => {
    const names = [...confirmed, ...unconfirmed];
    replace(
      boxes,
      names.length === 0
        ? h('p', { class: 'muted' }, t('settings.privacy.props.none'))
        : names.map((name) => {
            const id = uid('prop');
            const box = h('input', { type: 'checkbox', id, value: name, checked: confirmed.includes(name), 'aria-label': t('settings.privacy.props.listOne', { name }) });
            box.addEventListener('change', () => void save());
            return h('div', { class: 'choice' }, box, h('label', { for: id }, h('code', null, name)));
          }),
    );
  };
  const save = async () => {
    const confirmed = [...boxes.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value);
    // One change at a time: each request sends the whole list as the boxes show it.
    group.disabled = true;
    const result = await attempt(null, line, () => put<PrivacyPropsJson>(path, { confirmed }), t('common.saved'));
    group.disabled = false;
    if (result) {
      draw(result);
      saved();
    }
  };
  get<PrivacyPropsJson>(path).then(draw, (error: unknown) => replace(boxes, h('p', { class: 'form-error', role: 'alert' }, errorText(error))));
  return h('div', { class: 'stack-s' }, group, line.root);
}

/**
 * Everything the site has, as a ZIP of CSV files (Plausible's export layout, plus the raw
 * events as stored): streamed by the server, downloaded by the browser with the session.
 */
export function exportSection(domain: string): HTMLElement {
  const from = field(t('settings.export.from'), input({ type: 'date' }), t('settings.export.from.hint'));
  const to = field(t('settings.export.to'), input({ type: 'date' }), t('settings.export.to.hint'));
  const download = h('a', { class: 'btn btn-primary', download: '' }, t('settings.export.download'));
  const update = () => {
    const params = new URLSearchParams();
    if (from.input.value) params.set('from', from.input.value);
    if (to.input.value) params.set('to', to.input.value);
    const query = params.toString();
    download.setAttribute('href', `/api/v1/sites/${encodeURIComponent(domain)}/export${query ? `?${query}` : ''}`);
  };
  from.input.addEventListener('change', update);
  to.input.addEventListener('change', update);
  update();
  return section(t('settings.export.title'), t('settings.export.intro'), h('div', { class: 'field-row' }, from.root, to.root), h('div', { class: 'actions' }, download));
}
