/**
 * The settings' danger zone: resetting a site's statistics (today's included) and deleting
 * its data before a day. Each asks for the domain typed again, as removing the site does,
 * and says next to itself what was deleted.
 * @module
 */
import { post, sitePath } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { formatDay, formatNumber, t } from '../lib/i18n.ts';
import { attempt, field, input, section, status, type Status } from '../lib/ui.ts';

interface ResetAnswer {
  deleted: { events: number; visits: number };
}

interface PurgeAnswer {
  purged_before: string;
  raw_rows_deleted: number;
  done: boolean;
}

/** Purge requests run a bounded number of statements each; a large purge takes several. */
const MAX_PURGE_REQUESTS = 500;

/**
 * A form whose submit button is enabled only while `domain` is typed in its confirmation
 * field; `run` gets the typed domain and reports on the form's status line.
 */
export function confirmedForm(domain: string, submitLabel: string, run: (confirm: string, button: HTMLButtonElement, line: Status) => Promise<boolean>, ...controls: Node[]): HTMLFormElement {
  const confirm = field(t('settings.confirm.label', { domain }), input({ autocomplete: 'off', spellcheck: 'false' }));
  const line = status();
  const button = h('button', { type: 'submit', class: 'btn btn-danger', disabled: true }, submitLabel);
  const typed = () => confirm.input.value.trim().toLowerCase() === domain;
  confirm.input.addEventListener('input', () => (button.disabled = !typed()));
  const form = h('form', { class: 'stack', novalidate: true }, ...controls, confirm.root, h('div', { class: 'actions' }, button, line.root));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!typed()) return;
    if (await run(confirm.input.value.trim(), button, line)) {
      confirm.input.value = '';
      button.disabled = true;
    }
  });
  return form;
}

function dangerSection(title: string, intro: string, form: HTMLFormElement): HTMLElement {
  const root = section(title, intro, form);
  root.classList.add('danger-zone');
  return root;
}

export function resetSection(domain: string): HTMLElement {
  const form = confirmedForm(domain, t('settings.reset.submit'), async (confirm, button, line) => {
    const answer = await attempt(button, line, () => post<ResetAnswer>(sitePath(domain, '/reset'), { confirm }));
    if (!answer) return false;
    line.ok(t('settings.reset.done', { events: formatNumber(answer.deleted.events), visits: formatNumber(answer.deleted.visits) }));
    return true;
  });
  return dangerSection(t('settings.reset.title'), t('settings.reset.intro'), form);
}

/** Today in the site's timezone, written YYYY-MM-DD (the latest day a purge may name). */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export function purgeSection(domain: string, timeZone: string): HTMLElement {
  const before = field(t('settings.purge.before'), input({ type: 'date', max: todayIn(timeZone), required: true }));
  const form = confirmedForm(
    domain,
    t('settings.purge.submit'),
    async (confirm, button, line) => {
      let rows = 0;
      const answer = await attempt(button, line, async () => {
        let last: PurgeAnswer | null = null;
        for (let i = 0; i < MAX_PURGE_REQUESTS && !last?.done; i++) {
          last = await post<PurgeAnswer>(sitePath(domain, '/purge'), { confirm, before: before.input.value });
          rows += last.raw_rows_deleted;
        }
        return last;
      });
      if (!answer) return false;
      line.ok(t('settings.purge.done', { rows: formatNumber(rows), day: formatDay(answer.purged_before) }));
      return true;
    },
    before.root,
  );
  return dangerSection(t('settings.purge.title'), t('settings.purge.intro', { timezone: timeZone }), form);
}
