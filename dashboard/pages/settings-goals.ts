/**
 * The Goals section of a site's settings (owner): the goals in the Goals panel's order, each
 * with Move up / Move down (buttons, so the keyboard reorders too), Rename in place and
 * Delete; suggestions added in one click (the custom events the site sends, then 404,
 * outbound links and file downloads, with how to start sending those); and the form for any
 * other goal. Every change reloads the list from the server's answer.
 * @module
 */
import './settings-goals.css';
import type { GoalSuggestion } from '../../server/core/dashboard-api/goal-suggestions.ts';
import type { GoalInfo } from '../../server/core/http/dashboard-goals.ts';
import { del, get, patch, post, put, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { showOnField } from '../lib/form-fields.ts';
import { t } from '../lib/i18n.ts';
import { attempt, confirmDialog, copyBox, errorText, field, input, section, status, uid, type Status } from '../lib/ui.ts';
import { clearCache } from '../site-view/cache.ts';

export interface GoalList {
  goals: GoalInfo[];
  suggestions: GoalSuggestion[];
}

/**
 * The one line a site's 404 page needs (docs/tracker.md#404-pages): it queues the call if the
 * tracker has not loaded yet, which replays it, so it works before or after the script tag.
 */
export const NOT_FOUND_SNIPPET =
  "<script>window.plausible=window.plausible||function(){(plausible.q=plausible.q||[]).push(arguments)};plausible('404',{props:{path:location.pathname}})</script>";

/** How a goal is defined, in words: "Event Purchase with plan = pro, revenue in NOK". */
export function goalDefinition(goal: GoalInfo): string {
  if (goal.kind === 'page') return t('goals.def.page', { path: goal.pagePath });
  const parts = [t('goals.def.event', { name: goal.eventName })];
  if (goal.prop) parts.push(t('goals.def.prop', { key: goal.prop.key, value: goal.prop.value }));
  const text = parts.join(' ');
  return goal.currency ? `${text}, ${t('goals.def.currency', { currency: goal.currency })}` : text;
}

/** Where focus goes once the list is drawn again: a button of one goal, by its data-action. */
type Focus = { id: number; action: string } | null;

function renameForm(goal: GoalInfo, save: (name: string) => Promise<boolean>, close: () => void): HTMLFormElement {
  const box = input({ id: uid('goal-name'), value: goal.displayName, maxlength: 120, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'btn btn-small' }, t('common.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: close }, t('common.cancel'));
  box.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
  });
  const form = h('form', { class: 'inline-form goal-rename', novalidate: true }, h('label', { for: box.id, class: 'sr-only' }, t('goals.newName', { name: goal.displayName })), box, submit, cancel);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      if (await save(box.value)) close();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => box.select());
  return form;
}

interface Ctx {
  domain: string;
  line: Status;
  reload: (focus?: Focus) => Promise<void>;
}

function goalItem(ctx: Ctx, goal: GoalInfo, index: number, goals: GoalInfo[]): HTMLElement {
  const name = goal.displayName;
  const button = (action: string, label: string, aria: string, extra: Record<string, unknown> = {}) =>
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-action': action, 'aria-label': aria, ...extra }, label);
  const move = async (by: -1 | 1, action: string, control: HTMLButtonElement) => {
    const ids = goals.map((g) => g.id);
    ids.splice(index, 1);
    ids.splice(index + by, 0, goal.id);
    if (await attempt(control, ctx.line, () => put(sitePath(ctx.domain, '/goals/order'), { ids }), t('goals.moved'))) await ctx.reload({ id: goal.id, action });
  };
  const up = button('up', '↑', t('goals.upOne', { name }), { title: t('goals.up'), disabled: index === 0 });
  const down = button('down', '↓', t('goals.downOne', { name }), { title: t('goals.down'), disabled: index === goals.length - 1 });
  up.addEventListener('click', () => void move(-1, index === 1 ? 'down' : 'up', up));
  down.addEventListener('click', () => void move(1, index === goals.length - 2 ? 'up' : 'down', down));
  const rename = button('rename', t('goals.rename'), t('goals.renameOne', { name }));
  const remove = button('delete', t('goals.delete'), t('goals.deleteOne', { name }), { class: 'btn btn-ghost btn-small goal-delete' });
  const title = h('div', { class: 'actions' }, h('strong', null, name), h('span', { class: 'chip' }, t(goal.kind === 'page' ? 'goals.kind.page' : 'goals.kind.event')));
  const text = h('div', { class: 'stack-s goal-text' }, title, h('span', { class: 'hint' }, goalDefinition(goal)));
  rename.addEventListener('click', () => {
    const close = () => {
      form.replaceWith(title);
      rename.focus();
    };
    const save = async (value: string) => {
      const saved = await attempt(null, ctx.line, () => patch(sitePath(ctx.domain, `/goals/${goal.id}`), { displayName: value }), t('goals.renamed'));
      if (saved) await ctx.reload({ id: goal.id, action: 'rename' });
      return saved !== null;
    };
    const form = renameForm(goal, save, close);
    title.replaceWith(form);
  });
  remove.addEventListener('click', async () => {
    if (!(await confirmDialog(t('goals.deleteConfirm', { name }), t('goals.delete')))) return;
    const next = goals[index + 1] ?? goals[index - 1];
    if (await attempt(remove, ctx.line, () => del(sitePath(ctx.domain, `/goals/${goal.id}`)), t('goals.deleted'))) await ctx.reload(next ? { id: next.id, action: 'delete' } : null);
  });
  // `actions` lets the buttons wrap under the name on a phone.
  return h('li', { class: 'goal actions', 'data-goal': goal.id }, text, h('div', { class: 'actions' }, up, down, rename, remove));
}

const SUGGESTION_HINT: Record<string, Parameters<typeof t>[0]> = {
  '404': 'goals.suggest.404',
  'Outbound Link: Click': 'goals.suggest.outbound',
  'File Download': 'goals.suggest.download',
};

/** Adds an event goal; says so, or which goal already counts it. */
async function addGoal(ctx: Ctx, body: Record<string, unknown>, button: HTMLButtonElement | null): Promise<boolean> {
  const answer = await attempt(button, ctx.line, () => post<{ goal: GoalInfo; created: boolean }>(sitePath(ctx.domain, '/goals'), body));
  if (!answer) return false;
  ctx.line.ok(t(answer.created ? 'goals.added' : 'goals.exists', { name: answer.goal.displayName }));
  await ctx.reload();
  return true;
}

function suggestionItem(ctx: Ctx, suggestion: GoalSuggestion): HTMLElement {
  const name = suggestion.eventName;
  const add = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('goals.suggest.add', { name }) }, `+ ${name}`);
  add.addEventListener('click', () => void addGoal(ctx, { kind: 'event', eventName: name }, add));
  const hint = suggestion.sent ? 'goals.suggest.sent' : SUGGESTION_HINT[name];
  return h(
    'li',
    { class: 'stack-s goal-suggestion', 'data-event': name },
    h('div', { class: 'actions' }, add, hint ? h('span', { class: 'hint' }, t(hint)) : null),
    name === '404' && !suggestion.sent ? copyBox(NOT_FOUND_SNIPPET, t('goals.snippet404')) : null,
  );
}

function suggestions(ctx: Ctx, list: GoalSuggestion[]): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    'div',
    { class: 'stack-s' },
    h('h3', null, t('goals.suggested')),
    h('p', { class: 'hint' }, t('goals.suggested.intro')),
    h('ul', { role: 'list', class: 'stack-s' }, list.map((s) => suggestionItem(ctx, s))),
  );
}

function newGoalForm(ctx: Ctx, sent: () => string[]): HTMLFormElement {
  const kindName = uid('goal-kind');
  const radio = (value: 'page' | 'event', label: string, checked: boolean) => {
    const id = uid('r');
    return h('div', { class: 'choice' }, h('input', { type: 'radio', name: kindName, value, id, checked }), h('label', { for: id }, label));
  };
  const kinds = h('fieldset', { class: 'choices' }, h('legend', null, t('goals.kind')), radio('event', t('goals.kind.event.label'), true), radio('page', t('goals.kind.page.label'), false));
  const listId = uid('goal-events');
  const events = h('datalist', { id: listId });
  const pagePath = field(t('goals.pagePath'), input({ placeholder: '/thanks/**', autocomplete: 'off', spellcheck: 'false' }), t('goals.pagePath.hint'));
  const eventName = field(t('goals.eventName'), input({ list: listId, autocomplete: 'off', maxlength: 120 }), t('goals.eventName.hint'));
  const propKey = field(t('goals.propKey'), input({ autocomplete: 'off', placeholder: 'plan' }));
  const propValue = field(t('goals.propValue'), input({ autocomplete: 'off', placeholder: 'pro' }));
  const currency = field(t('goals.currency'), input({ autocomplete: 'off', maxlength: 3, placeholder: 'NOK' }), t('goals.currency.hint'));
  const displayName = field(t('goals.displayName'), input({ autocomplete: 'off', maxlength: 120 }), t('goals.displayName.hint'));
  const prop = h('div', { class: 'stack-s' }, h('div', { class: 'field-row' }, propKey.root, propValue.root), h('p', { class: 'hint' }, t('goals.prop.hint')));
  const eventFields = h('div', { class: 'stack' }, eventName.root, prop, currency.root);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('goals.add'));
  const kind = () => ((kinds.querySelector('input:checked') as HTMLInputElement | null)?.value === 'page' ? 'page' : 'event');
  const show = () => {
    pagePath.root.hidden = kind() !== 'page';
    eventFields.hidden = kind() !== 'event';
  };
  kinds.addEventListener('change', show);
  show();
  const all = { pagePath, eventName, prop: propKey, currency, displayName };
  const form = h('form', { class: 'stack', novalidate: true }, h('h3', null, t('goals.new')), kinds, pagePath.root, eventFields, displayName.root, events, h('div', { class: 'actions' }, submit));
  form.addEventListener('focusin', () => replace(events, sent().map((name) => h('option', { value: name }))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of [...Object.values(all), propValue]) f.setError(null);
    const key = propKey.input.value.trim();
    if (key && !propValue.input.value.trim()) {
      propValue.setError(t('goals.propValueMissing'));
      propValue.input.focus();
      return;
    }
    const body =
      kind() === 'page'
        ? { kind: 'page', pagePath: pagePath.input.value, displayName: displayName.input.value }
        : { kind: 'event', eventName: eventName.input.value, prop: key ? { [key]: propValue.input.value.trim() } : null, currency: currency.input.value, displayName: displayName.input.value };
    submit.disabled = true;
    ctx.line.clear();
    try {
      const answer = await post<{ goal: GoalInfo; created: boolean }>(sitePath(ctx.domain, '/goals'), body);
      ctx.line.ok(t(answer.created ? 'goals.added' : 'goals.exists', { name: answer.goal.displayName }));
      form.reset();
      show();
      await ctx.reload();
    } catch (error) {
      if (!showOnField(error, all)) ctx.line.error(errorText(error));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export function goalsSection(domain: string): HTMLElement {
  const list = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const offered = h('div');
  const line = status();
  let sent: string[] = [];
  const ctx: Ctx = {
    domain,
    line,
    reload: (focus = null) => {
      // A reload follows each change of the goals (and opens the section): the site view's
      // answers kept for a minute predate the change, and would show a new goal with zeros.
      clearCache();
      return get<GoalList>(sitePath(domain, '/goals')).then(
        ({ goals, suggestions: suggested }) => {
          sent = suggested.filter((s) => s.sent).map((s) => s.eventName);
          replace(
            list,
            goals.length === 0
              ? h('p', { class: 'goal-empty' }, t('goals.none'))
              : h('ul', { role: 'list', class: 'list-editor', 'aria-label': t('goals.list') }, goals.map((goal, i) => goalItem(ctx, goal, i, goals))),
          );
          replace(offered, suggestions(ctx, suggested));
          if (focus) list.querySelector<HTMLElement>(`[data-goal="${focus.id}"] [data-action="${focus.action}"]`)?.focus();
        },
        (error: unknown) => replace(list, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
      );
    },
  };
  void ctx.reload();
  const root = section(t('goals.title'), t('goals.intro'), list, line.root, offered, newGoalForm(ctx, () => sent));
  // The site view's Goals panel links here (`/settings#goals`).
  root.id = 'goals';
  return root;
}
