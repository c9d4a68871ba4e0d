/**
 * The note on imported history under the chart: which sources and days the numbers
 * include, with a button to leave them out (or, left out, to count them in again), kept in
 * the URL as `imports=off`; or why the chart could not count them in (hourly buckets,
 * filters the imported tables cannot answer). Loaded only when there is something to say.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { get, sitePath, type StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatDay, t } from '../lib/i18n.ts';
import type { View } from './view.ts';

interface ImportedList {
  imports: Array<{ kind: string; first_day: string; last_day: string }>;
}

/** The list once per site and page load: it changes only in the settings. */
const lists = new Map<string, Promise<ImportedList>>();

function importedList(domain: string): Promise<ImportedList> {
  let list = lists.get(domain);
  if (!list) {
    list = get<ImportedList>(sitePath(domain, '/imported'));
    lists.set(domain, list);
  }
  return list;
}

/** The sources and the days they cover, in words: "Plausible (1 Mar 2024 – 31 Mar 2024)". */
function described(list: ImportedList): Record<string, string> | null {
  if (list.imports.length === 0) return null;
  const kinds = [...new Set(list.imports.map((i) => i.kind))];
  const from = list.imports.map((i) => i.first_day).sort()[0]!;
  const to = list.imports.map((i) => i.last_day).sort().at(-1)!;
  return { source: kinds.map((k) => t(`sv.imports.kind.${k}` as Key)).join(', '), from: formatDay(from), to: formatDay(to) };
}

export function renderImportsNote(view: View, slot: HTMLElement, result: StatsResult): void {
  const reason = result.meta.imports_skip_reason;
  if (view.state.imports && typeof reason === 'string') {
    replace(slot, h('p', { class: 'sv-imports-text' }, t(`sv.imports.skip.${reason}` as Key)));
    slot.hidden = false;
    return;
  }
  importedList(view.ctx.site.domain).then((list) => {
    const words = described(list);
    if (!words || !slot.isConnected) return;
    const on = view.state.imports;
    const toggle = h('button', { type: 'button', class: 'btn btn-ghost', 'data-key': 'imports-toggle' }, t(on ? 'sv.imports.exclude' : 'sv.imports.include'));
    toggle.onclick = () => view.go({ ...view.state, imports: !view.state.imports }, 'imports-toggle');
    replace(slot, h('p', { class: 'sv-imports-text' }, t(on ? 'sv.imports.included' : 'sv.imports.excluded', words)), toggle);
    slot.hidden = false;
  }, () => {});
}
