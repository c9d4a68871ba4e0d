/**
 * The owner's funnel form (funnels.ts): a name and 2 to 8 of the site's goals in order, each
 * step moved up or down or removed with buttons (Tab and Enter do it all, focus stays on the
 * moved step), more added below. New, it saves by `PUT …/funnels`; editing one, by
 * `PUT …/funnels/:id`, which replaces its name and steps.
 * @module
 */
import { put } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { attempt, field, input, section, status } from '../lib/ui.ts';

export interface GoalJson {
  id: number;
  display_name: string;
}

export interface FunnelJson {
  id: number;
  name: string;
  steps: GoalJson[];
}

const MIN_STEPS = 2;
const MAX_STEPS = 8;

export const funnelsPath = (domain: string, rest = '') => `/api/v1/sites/${encodeURIComponent(domain)}/funnels${rest}`;

/** The steps as rows of a select and their buttons; `ids()` reads them in order. */
function stepsEditor(goals: GoalJson[], initial: number[]): { root: HTMLElement; ids: () => number[] } {
  const list = h('ol', { class: 'fn-edit-steps' });
  const add = h('button', { type: 'button', class: 'btn btn-ghost' }, t('funnels.new.add'));
  const rows = () => [...list.children] as HTMLElement[];

  /** Labels follow the position; a button that cannot act is disabled. */
  const renumber = () => {
    const all = rows();
    all.forEach((row, i) => {
      const n = i + 1;
      row.querySelector('label')!.textContent = t('funnels.new.step', { n });
      const [up, down, remove] = [...row.querySelectorAll('button')] as HTMLButtonElement[];
      up!.setAttribute('aria-label', t('funnels.edit.up', { n }));
      down!.setAttribute('aria-label', t('funnels.edit.down', { n }));
      remove!.setAttribute('aria-label', t('funnels.edit.remove', { n }));
      up!.disabled = i === 0;
      down!.disabled = i === all.length - 1;
      remove!.disabled = all.length <= MIN_STEPS;
    });
    add.hidden = all.length >= MAX_STEPS;
  };

  /** Focus on `button`, or on its row's select when it just became disabled. */
  const keepFocus = (row: HTMLElement, button: HTMLButtonElement) => (button.disabled ? row.querySelector('select')! : button).focus();

  const addRow = (goalId: number) => {
    const select = h('select', { class: 'input' }, ...goals.map((g) => h('option', { value: String(g.id) }, g.display_name)));
    select.value = String(goalId);
    const up = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, '↑');
    const down = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, '↓');
    const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('funnels.edit.removeShort'));
    const row = h('li', { class: 'fn-edit-step' }, field('', select).root, h('div', { class: 'fn-edit-moves' }, up, down, remove));
    up.addEventListener('click', () => {
      row.previousElementSibling?.before(row);
      renumber();
      keepFocus(row, up);
    });
    down.addEventListener('click', () => {
      row.nextElementSibling?.after(row);
      renumber();
      keepFocus(row, down);
    });
    remove.addEventListener('click', () => {
      const next = (row.nextElementSibling ?? row.previousElementSibling) as HTMLElement | null;
      row.remove();
      renumber();
      next?.querySelector('select')?.focus();
    });
    list.append(row);
  };

  add.addEventListener('click', () => {
    const used = new Set(rows().map((r) => Number(r.querySelector('select')!.value)));
    addRow((goals.find((g) => !used.has(g.id)) ?? goals.at(-1)!).id);
    renumber();
    (add.hidden ? rows().at(-1)!.querySelector('select')! : add).focus();
  });
  for (const id of initial) addRow(id);
  renumber();
  return { root: h('div', { class: 'stack' }, list, h('div', { class: 'actions' }, add)), ids: () => rows().map((r) => Number(r.querySelector('select')!.value)) };
}

/** The form for a new funnel (`funnel` null) or to change one; `onCancel` gives an editing form its Cancel button. */
export function funnelForm(domain: string, goals: GoalJson[], funnel: FunnelJson | null, onSaved: (funnel: FunnelJson) => void, onCancel?: () => void): HTMLElement {
  const name = field(t('funnels.new.name'), input({ type: 'text', maxlength: 120, required: true, value: funnel?.name ?? '' }));
  const steps = stepsEditor(goals, funnel ? funnel.steps.map((s) => s.id) : goals.slice(0, MIN_STEPS).map((g) => g.id));
  const line = status();
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t(funnel ? 'funnels.edit.save' : 'funnels.new.save'));
  const cancel = onCancel ? h('button', { type: 'button', class: 'btn btn-ghost' }, t('funnels.edit.cancel')) : null;
  cancel?.addEventListener('click', () => onCancel?.());
  const form = h('form', { class: 'stack', novalidate: true }, name.root, steps.root, h('div', { class: 'actions' }, save, cancel, line.root));
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && onCancel) onCancel();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.input.value, steps: steps.ids() };
    const path = funnelsPath(domain, funnel ? `/${funnel.id}` : '');
    const saved = await attempt(save, line, () => put<FunnelJson>(path, body), t(funnel ? 'funnels.edit.saved' : 'funnels.new.saved'));
    if (saved) onSaved(saved);
  });
  return section(funnel ? t('funnels.edit.title', { name: funnel.name }) : t('funnels.new.title'), t('funnels.new.intro'), form);
}
