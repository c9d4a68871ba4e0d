/**
 * A site's Funnels page (`/sites/<domain>/funnels`): one funnel at a time over a period, a
 * bar per step (its visitors, as a share of the first step's) with the drop-off between
 * steps; the owner also makes and deletes funnels from the site's goals. It reads the
 * funnel routes (docs/stats-api.md#funnels) with the session, as any API client would.
 * @module
 */
import '../lib/page-strings.ts';
import { del, get, post } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatNumber, formatPercent, t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { settingsHref, siteHref } from '../lib/route.ts';
import { confirmDialog, errorText, field, setTitle, uid } from '../lib/ui.ts';
import { type FunnelJson, type GoalJson, funnelForm, funnelsPath } from './funnel-form.ts';
import type { Dispose } from './app.ts';
import './funnels.css';

interface StepAnswer {
  step: number;
  name: string;
  visitors: number;
  conversion_rate: number;
  conversion_rate_step: number;
  dropoff: number;
  dropoff_rate: number;
}

const RANGES = ['day', '7d', '30d', 'month', '12mo'] as const;
type Range = (typeof RANGES)[number];

/**
 * A preset as the site view sends it (view-queries/dates.ts): "last N days" and "last 12
 * months" end today, as explicit days, since the API's own `30d` and `12mo` end yesterday.
 * Written out here rather than imported: sharing that module would split it into a chunk
 * of its own, which the site view's cold load cannot afford.
 */
function dateRange(range: Range, timeZone: string): string | [string, string] {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const shift = (days: number) => new Date(Date.parse(today) + days * 86_400_000).toISOString().slice(0, 10);
  if (range === '7d') return [shift(-6), today];
  if (range === '30d') return [shift(-29), today];
  if (range === '12mo') {
    const [y, m] = today.split('-').map(Number) as [number, number];
    return [new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10), today];
  }
  return range;
}
/** A percentage with two decimals from the API, shown with one where it has any. */
const pct = (n: number) => formatPercent(n, n % 1 === 0 ? 0 : 1);

function select(options: Array<[string, string]>, value: string): HTMLSelectElement {
  const element = h('select', { class: 'input' }, ...options.map(([v, label]) => h('option', { value: v }, label)));
  element.value = value;
  return element;
}

/** The bars: one per step, as wide as its share of the first step, with the drop-off before each after the first. */
function funnelChart(name: string, steps: StepAnswer[]): HTMLElement {
  const first = steps[0]?.visitors ?? 0;
  const items: HTMLElement[] = [];
  for (const s of steps) {
    if (s.step > 1) {
      items.push(h('li', { class: 'fn-drop', 'aria-hidden': 'true' }, s.dropoff > 0 ? `↓ ${t('funnels.dropoff', { n: formatNumber(s.dropoff), pct: pct(s.dropoff_rate) })}` : `↓ ${t('funnels.noDropoff')}`));
    }
    const bar = h('div', { class: 'fn-bar' });
    bar.style.width = `${first === 0 ? 0 : Math.max((s.visitors / first) * 100, s.visitors > 0 ? 0.5 : 0)}%`;
    const drop = s.step > 1 && s.dropoff > 0 ? ` ${t('funnels.dropoff', { n: formatNumber(s.dropoff), pct: pct(s.dropoff_rate) })}.` : '';
    items.push(
      h(
        'li',
        { class: 'fn-step', 'aria-label': `${t('funnels.step', { n: s.step })}: ${s.name}. ${t('funnels.visitors', { n: formatNumber(s.visitors) })}, ${t('funnels.ofFirst', { pct: pct(s.conversion_rate) })}.${drop}` },
        h('div', { class: 'fn-head' }, h('span', { class: 'fn-num' }, String(s.step)), h('span', { class: 'fn-name' }, s.name)),
        h('div', { class: 'fn-track' }, bar),
        h('div', { class: 'fn-figures' }, h('strong', null, t('funnels.visitors', { n: formatNumber(s.visitors) })), h('span', { class: 'muted' }, t('funnels.ofFirst', { pct: pct(s.conversion_rate) }))),
      ),
    );
  }
  const last = steps.at(-1);
  const summary = first === 0 ? t('funnels.nobody') : t('funnels.converted', { pct: pct(last?.conversion_rate ?? 0) });
  return h('div', { class: 'fn-chart' }, h('ol', { class: 'fn-steps', 'aria-label': t('funnels.chart', { name }) }, ...items), h('p', { class: 'muted fn-summary' }, summary));
}

/** `back`: the site view this page was opened from (a shared link's own address), else the site's. */
export function renderFunnels(main: HTMLElement, domain: string, sites: ReadonlyArray<{ domain: string; timezone: string }>, owner: boolean, back = siteHref(domain)): Dispose {
  const site = sites.find((s) => s.domain === domain);
  if (!site) {
    replace(main, h('div', { class: 'page' }, h('h1', null, t('error.siteMissing.title')), h('p', null, t('error.siteMissing.body', { domain }))));
    return () => {};
  }
  const timeZone = site.timezone;
  setTitle(t('funnels.titleOf', { domain }));
  let disposed = false;
  let asked = 0;
  const body = h('div', { class: 'stack fn-page' });
  replace(
    main,
    h(
      'div',
      { class: 'page' },
      h('p', { class: 'crumb' }, link(back, {}, t('funnels.back', { domain }))),
      h('h1', null, t('funnels.titleOf', { domain })),
      h('p', { class: 'muted' }, t('funnels.intro')),
      body,
    ),
  );

  const range = select(RANGES.map((r) => [r, t(`funnels.range.${r}` as const)]), '30d');
  const rangeField = field(t('funnels.range'), range);
  const chart = h('div', { class: 'card fn-card', 'aria-live': 'polite' });

  async function show(funnel: FunnelJson): Promise<void> {
    const mine = ++asked;
    chart.setAttribute('aria-busy', 'true');
    try {
      const answer = await post<{ steps: StepAnswer[] }>(funnelsPath(domain, `/${funnel.id}/query`), { date_range: dateRange(range.value as Range, timeZone) });
      if (disposed || mine !== asked) return;
      replace(chart, h('h2', null, funnel.name), funnelChart(funnel.name, answer.steps));
    } catch (error) {
      if (!disposed && mine === asked) replace(chart, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    } finally {
      if (mine === asked) chart.removeAttribute('aria-busy');
    }
  }

  async function load(selected: number | null): Promise<void> {
    const [{ funnels }, goals] = await Promise.all([
      get<{ funnels: FunnelJson[] }>(funnelsPath(domain)),
      owner ? get<{ goals: GoalJson[] }>(`/api/v1/sites/goals?site_id=${encodeURIComponent(domain)}`).then((g) => g.goals) : Promise.resolve([]),
    ]);
    if (disposed) return;
    const parts: Array<Node | null> = [];
    if (funnels.length === 0) {
      parts.push(h('div', { class: 'card empty' }, h('p', null, owner ? t('funnels.empty') : t('funnels.emptyViewer'))));
    } else {
      const current = funnels.find((f) => f.id === selected) ?? funnels[0]!;
      const pick = select(funnels.map((f) => [String(f.id), f.name]), String(current.id));
      const pickId = uid('fn');
      pick.id = pickId;
      const remove = owner ? h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('funnels.delete')) : null;
      remove?.addEventListener('click', async () => {
        const chosen = funnels.find((f) => String(f.id) === pick.value)!;
        if (!(await confirmDialog(t('funnels.deleteConfirm', { name: chosen.name }), t('funnels.delete')))) return;
        await del(funnelsPath(domain, `/${chosen.id}`));
        if (!disposed) await load(null);
      });
      const edit = owner ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-expanded': 'false' }, t('funnels.edit')) : null;
      const editing = h('div');
      const closeEditor = () => {
        replace(editing);
        edit?.setAttribute('aria-expanded', 'false');
        edit?.focus();
      };
      edit?.addEventListener('click', () => {
        const chosen = funnels.find((f) => String(f.id) === pick.value)!;
        // Saved, the page is drawn again: focus goes to the picker, which names the changed funnel.
        const saved = (funnel: FunnelJson) => void load(funnel.id).then(() => body.querySelector<HTMLElement>('.fn-controls select')?.focus());
        replace(editing, funnelForm(domain, goals, chosen, saved, closeEditor));
        edit.setAttribute('aria-expanded', 'true');
        editing.querySelector('input')?.focus();
      });
      const redraw = () => void show(funnels.find((f) => String(f.id) === pick.value)!);
      pick.addEventListener('change', () => {
        replace(editing);
        redraw();
      });
      range.onchange = redraw;
      parts.push(h('div', { class: 'fn-controls' }, field(t('funnels.pick'), pick).root, rangeField.root, edit, remove), editing, chart);
      void show(current);
    }
    if (owner && goals.length < 2) {
      parts.push(h('div', { class: 'card' }, h('p', null, t('funnels.needGoals')), link(settingsHref(domain), { class: 'btn' }, t('funnels.toSettings'))));
    } else if (owner) {
      parts.push(funnelForm(domain, goals, null, (saved) => void load(saved.id)));
    }
    replace(body, ...parts);
  }

  load(null).catch((error) => {
    if (!disposed) replace(body, h('p', { class: 'error', role: 'alert' }, errorText(error)));
  });
  return () => {
    disposed = true;
  };
}
