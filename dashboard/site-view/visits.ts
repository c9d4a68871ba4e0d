/**
 * Recent visits, as WP Statistics lists them: time, truncated IP (or "not stored"),
 * country, browser, OS, device, entry page, pages viewed, source and search words; newest
 * first, paged, under the view's range and filters. The pages count opens the visit's
 * trail (its pages and custom events in order, as WP Statistics and Matomo show it), and
 * words searched in the site's own search box show as such beside a search engine's.
 * @module
 */
import type { RecentVisit, RecentVisitsPage, TrailStep } from '../../server/core/dashboard-api/contract.ts';
import { get, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { countryName, formatDuration, formatNumber, formatTime, t } from '../lib/i18n.ts';
import { flagImage } from './flags.ts';
import { dimensionLabel, valueLabel } from './format.ts';
import { panelError, skeleton } from './rows.ts';
import { afterSend } from './cache.ts';
import { apiFilters } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

/** Visits a page holds: fewer on a phone, where each is a line that opens (`Older` pages on). */
const pageSize = () => (window.matchMedia('(max-width: 760px)').matches ? 10 : 20);

/** A cell that names its column too: on a phone each visit is a card of labelled lines. */
/** Column headings: the log's own, or the dimension the column shows. */
const COLUMNS = ['time', 'ip', 'visit:country', 'visit:browser', 'os', 'visit:device', 'visit:entry_page', 'pages', 'visit:source', 'visit:search_keyword'] as const;
type Column = (typeof COLUMNS)[number];
const heading = (column: Column) => (column.includes(':') ? dimensionLabel(column) : t(`sv.visits.${column as 'time' | 'ip' | 'os' | 'pages'}`));

const cell = (column: Column, content: Node | string, cls: string | null = null) =>
  h('td', { class: [cls, content === NONE ? 'sv-none' : null].filter(Boolean).join(' ') || null, 'data-label': heading(column), 'data-col': column }, content);

/** On a phone a visit is one line (time, country, source) and this button opens the rest; hidden on a wide screen. */
function expandCell(): HTMLElement {
  const button = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-expanded': 'false', 'aria-label': t('sv.visits.expand') }, '▸');
  button.onclick = () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.closest('tr')?.classList.toggle('sv-open', open);
  };
  return h('td', { class: 'sv-visit-toggle' }, button);
}

const NONE = '–';
/** A visit without a source is direct: named as the Sources panel names it. */
const DIRECT = 'Direct / None';
const joined = (...parts: Array<string | null>) => parts.filter(Boolean).join(' ') || NONE;

/** A step of the trail: its time into the visit, then the page, or the event and its page. */
function trailStep(visit: RecentVisit, step: TrailStep): HTMLElement {
  const page = step.name === 'pageview';
  return h(
    'li',
    { class: page ? null : 'sv-trail-event' },
    h('span', { class: 'sv-trail-time' }, `+${formatDuration(Math.max(0, step.at - visit.startedAt))}`),
    h('span', { class: 'sv-path' }, page ? step.path : t('sv.visits.trail.event', { name: step.name, path: step.path })),
    step.siteSearch && page ? h('span', { class: 'muted' }, t('sv.visits.trail.searched', { words: step.siteSearch })) : null,
  );
}

/** The row of a visit's trail, as wide as the visit's row (`span` cells). */
function trailRow(visit: RecentVisit, id: string, span: number): HTMLElement {
  return h(
    'tr',
    { id, class: 'sv-trail-row' },
    h(
      'td',
      { colspan: span, 'data-label': t('sv.visits.trail') },
      h(
        'ol',
        { class: 'sv-trail', 'aria-label': t('sv.visits.trail') },
        visit.trail.map((step) => trailStep(visit, step)),
        visit.trailMore > 0 ? h('li', { class: 'muted sv-trail-more' }, t('sv.visits.trail.more', { n: visit.trailMore })) : null,
      ),
    ),
  );
}

/** The pages count, a button that opens the trail in a row below its visit's, made when asked for. */
function pagesButton(visit: RecentVisit, trailId: string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'sv-trail-toggle',
      'aria-expanded': 'false',
      'aria-label': t('sv.visits.trail.show', { n: formatNumber(visit.pageviews) }),
      onclick: (event: Event) => {
        const button = event.currentTarget as HTMLElement;
        const row = button.closest('tr');
        const open = document.getElementById(trailId);
        if (open) open.remove();
        else row?.after(trailRow(visit, trailId, row.cells.length));
        button.setAttribute('aria-expanded', String(!open));
        if (open) button.removeAttribute('aria-controls');
        else button.setAttribute('aria-controls', trailId);
      },
    },
    formatNumber(visit.pageviews),
  );
}

/** "5 Dec 2026, 18:12" in two unbreakable parts: a phone's line breaks it before the clock, not inside the date. */
function startTime(at: number, timeZone: string): HTMLElement {
  const full = formatTime(at, timeZone);
  const clock = formatTime(at, timeZone, { timeStyle: 'short' });
  if (!full.endsWith(clock)) return h('span', null, full);
  return h('span', { class: 'sv-visit-time' }, h('span', null, full.slice(0, -clock.length).trimEnd()), ' ', h('span', null, clock));
}

/** Search-engine words as they are; the site's own search words marked as such. */
function searchWords(visit: RecentVisit): Node | string {
  if (visit.siteSearches.length === 0) return visit.searchKeyword ?? NONE;
  const own = h('span', { class: 'sv-site-search' }, visit.siteSearches.join(', '), ' ', h('span', { class: 'muted' }, t('sv.visits.siteSearch')));
  return visit.searchKeyword ? h('span', null, visit.searchKeyword, h('br'), own) : own;
}

export function visitsPath(view: View, page: number): string {
  const params = new URLSearchParams({
    date_range: JSON.stringify(view.base.range),
    filters: JSON.stringify(apiFilters(view.base.filters)),
    page: String(page),
    limit: String(pageSize()),
  });
  return sitePath(view.ctx.site.domain, `/visits?${params}`);
}

export function renderVisits(view: View): HTMLElement {
  const body = h('div', { class: 'sv-visits-body' });
  const pager = h('div', { class: 'sv-pager' });
  const load = (page: number) => {
    replace(body, skeleton(8));
    afterSend(() => get<RecentVisitsPage>(visitsPath(view, page))).then(
      (answer) => {
        if (answer.visits.length === 0) {
          replace(body, h('p', { class: 'muted sv-empty' }, t('sv.panel.empty')));
        } else {
          replace(
            body,
            h(
              'div',
              { class: 'sv-scroll', tabindex: 0, role: 'region', 'aria-label': t('sv.panel.visits') },
              h(
                'table',
                { class: 'table sv-visits' },
                h('thead', null, h('tr', null, COLUMNS.map((c) => h('th', { scope: 'col', class: c === 'pages' ? 'num' : null }, heading(c))))),
                h(
                  'tbody',
                  null,
                  answer.visits.map((v, i) =>
                    h(
                      'tr',
                      null,
                      cell('time', startTime(v.startedAt, view.ctx.site.timezone), 'nowrap'),
                      cell('ip', v.ip ?? h('span', { class: 'muted' }, t('sv.visits.ipNone')), 'mono'),
                      cell('visit:country', v.country ? h('span', null, flagImage(v.country), countryName(v.country)) : NONE),
                      cell('visit:browser', joined(v.browser, v.browserVersion)),
                      cell('os', joined(v.os, v.osVersion)),
                      cell('visit:device', v.device ? valueLabel('visit:device', v.device) : NONE, 'nowrap'),
                      cell('visit:entry_page', v.entryPage ?? NONE, 'sv-path'),
                      cell('pages', pagesButton(v, `sv-trail-${page}-${i}`), 'num'),
                      cell('visit:source', v.searchEngine ?? valueLabel('visit:source', v.source ?? DIRECT), 'sv-source'),
                      cell('visit:search_keyword', searchWords(v)),
                      expandCell(),
                    ),
                  ),
                ),
              ),
            ),
          );
        }
        replace(
          pager,
          h('button', { type: 'button', class: 'btn', disabled: page <= 1, onclick: () => load(page - 1) }, t('sv.visits.newer')),
          h('span', { class: 'muted' }, t('sv.visits.page', { n: page })),
          h('button', { type: 'button', class: 'btn', disabled: !answer.hasMore, onclick: () => load(page + 1) }, t('sv.visits.older')),
        );
      },
      (error) => replace(body, panelError(error)),
    );
  };
  load(1);
  return h(
    'section',
    { class: 'card sv-panel sv-wide', 'aria-labelledby': 'sv-title-visits', 'data-panel': 'visits' },
    h('header', { class: 'sv-panel-head' }, h('h2', { id: 'sv-title-visits' }, t('sv.panel.visits'))),
    body,
    h('footer', { class: 'sv-panel-foot' }, pager),
  );
}
