/**
 * The site list (each site with its sparkline and today's visitors; a search box once the
 * list is long; an empty state that says what to do first) and the add-site flow, which
 * ends with the snippet or the WordPress plugin (a tab each) and a live check for the first event.
 * @module
 */
import './sites.css';
import '../lib/page-strings.ts';
import type { FirstEvent, SiteCreated, SiteSummary } from '../../server/core/dashboard-api/contract.ts';
import { ApiError, get, post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatNumber, t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { settingsHref, siteHref } from '../lib/route.ts';
import { showOnField } from '../lib/form-fields.ts';
import { timeZoneField } from '../lib/timezone-picker.ts';
import { copyBox, errorText, field, input, setTitle, uid } from '../lib/ui.ts';
import type { Key } from '../i18n/index.ts';
import type { AppContext, Dispose } from './app.ts';
import { sparkline } from './sparkline.ts';
import { wordpressConnect } from './wordpress-connect.ts';

/** More sites than this and the list gets a search box. */
const SEARCH_FROM = 6;
const FIRST_EVENT_POLL_MS = 3000;

function siteCard(site: SiteSummary, owner: boolean): HTMLElement {
  return h(
    'li',
    { class: 'card site-card' },
    h(
      'div',
      { class: 'site-card-head' },
      h('h2', { class: 'site-name' }, link(siteHref(site.domain), { class: 'site-link' }, site.domain)),
      owner ? link(settingsHref(site.domain), { class: 'btn btn-ghost btn-small', 'aria-label': t('sites.settingsOf', { domain: site.domain }) }, t('sites.settings')) : null,
    ),
    h(
      'div',
      { class: 'site-card-body' },
      h('p', { class: 'site-today' }, h('span', { class: 'figure' }, formatNumber(site.visitorsToday)), h('span', { class: 'muted' }, t('sites.visitorsToday'))),
      sparkline(site.sparkline),
    ),
    site.hasEvents ? null : h('p', { class: 'chip chip-warn' }, t('sites.noEvents')),
  );
}

function emptyState(owner: boolean): HTMLElement {
  return h(
    'div',
    { class: 'card empty' },
    h('h2', null, owner ? t('sites.empty.title') : t('sites.emptyViewer.title')),
    h('p', { class: 'muted' }, owner ? t('sites.empty.body') : t('sites.emptyViewer.body')),
    owner ? link('/?add', { class: 'btn btn-primary' }, t('sites.add')) : null,
  );
}

function searchableList(sites: SiteSummary[], owner: boolean): HTMLElement {
  const list = h('ul', { class: 'site-grid', role: 'list' });
  const none = h('p', { class: 'muted', hidden: true }, t('sites.search.none'));
  const show = (needle: string) => {
    const matches = sites.filter((s) => s.domain.includes(needle.trim().toLowerCase()));
    replace(list, matches.map((s) => siteCard(s, owner)));
    none.hidden = matches.length > 0;
  };
  show('');
  if (sites.length < SEARCH_FROM) return list;
  const id = uid('search');
  const box = input({ type: 'search', id, placeholder: t('sites.search.placeholder'), autocomplete: 'off' });
  box.addEventListener('input', () => show(box.value));
  return h('div', null, h('div', { class: 'search' }, h('label', { for: id, class: 'sr-only' }, t('sites.search.label')), box), list, none);
}

export function renderSites(main: HTMLElement, app: AppContext): Dispose {
  const owner = app.user.role === 'owner';
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  replace(
    main,
    h(
      'div',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('h1', null, t('sites.title')), owner ? link('/?add', { class: 'btn btn-primary' }, t('sites.add')) : null),
      body,
    ),
  );
  setTitle(t('sites.title'));
  let live = true;
  app
    .loadSites()
    .then((sites) => {
      if (live) replace(body, sites.length === 0 ? emptyState(owner) : searchableList(sites, owner));
    })
    .catch((error: unknown) => {
      if (live) replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
    });
  return () => {
    live = false;
  };
}

/** What to say of each reason the server notes (server/core/ingest/drop-notes.ts), and how to fix it. */
const DROP_REASONS: Record<string, Key> = {
  localhost: 'sites.check.drop.localhost',
  'hostname-not-allowed': 'sites.check.drop.hostname-not-allowed',
  'excluded-ip': 'sites.check.drop.excluded-ip',
  'excluded-path': 'sites.check.drop.excluded-path',
  'do-not-track': 'sites.check.drop.do-not-track',
  'global-privacy-control': 'sites.check.drop.global-privacy-control',
};

/** "A test visit from <host> was not counted: <why, and how to fix it>", one per noted reason. */
function dropLines(drops: FirstEvent['drops']): HTMLElement[] {
  return drops.map((drop) => {
    const why = DROP_REASONS[drop.reason];
    return h('li', null, t('sites.check.dropped', { host: drop.hostname, why: why ? t(why, { host: drop.hostname }) : drop.reason }));
  });
}

/** Polls first-event until one arrives, saying meanwhile why test visits were not counted; returns the function that stops polling. */
function watchFirstEvent(domain: string, line: HTMLElement, notes: HTMLElement): Dispose {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const check = async () => {
    try {
      const { received, drops } = await get<FirstEvent>(sitePath(domain, '/first-event'));
      if (stopped) return;
      replace(notes, received ? [] : dropLines(drops));
      notes.hidden = received || drops.length === 0;
      if (received) {
        line.dataset.kind = 'ok';
        replace(line, h('span', { class: 'dot', 'aria-hidden': 'true' }), t('add.received'), ' ', link(siteHref(domain), {}, t('add.open', { domain })));
        return;
      }
    } catch {
      // A failed poll is retried at the next tick; the line keeps waiting.
    }
    if (!stopped) timer = setTimeout(check, FIRST_EVENT_POLL_MS);
  };
  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** The snippet, and beside it a WordPress tab (the plugin and its token); either way the check below turns green. */
function installTabs(created: SiteCreated): HTMLElement {
  const names = ['snippet', 'wordpress'] as const;
  const panel = (name: (typeof names)[number], ...children: HTMLElement[]) =>
    h('div', { class: 'stack', role: 'tabpanel', id: `add-panel-${name}`, 'aria-labelledby': `add-tab-${name}` }, ...children);
  const panels = {
    snippet: panel('snippet', h('p', { class: 'muted' }, t('add.snippet.body')), copyBox(created.snippet, t('add.snippet.title'), true)),
    wordpress: panel('wordpress', h('p', { class: 'muted' }, t('wp.intro')), wordpressConnect(created.domain)),
  };
  const tabs = names.map((name) => h('button', { type: 'button', class: 'tab', role: 'tab', id: `add-tab-${name}`, 'aria-controls': `add-panel-${name}` }, t(`add.tab.${name}`)));
  const show = (index: number, focus: boolean) => {
    names.forEach((name, i) => {
      tabs[i]!.setAttribute('aria-selected', String(i === index));
      tabs[i]!.tabIndex = i === index ? 0 : -1;
      panels[name].hidden = i !== index;
    });
    if (focus) tabs[index]!.focus();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => show(i, false));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      event.preventDefault();
      show((i + step + names.length) % names.length, true);
    });
  });
  show(0, false);
  return h(
    'section',
    { class: 'card stack', 'aria-label': t('add.tabs') },
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('add.tabs') }, tabs),
    names.map((name) => panels[name]),
  );
}

function snippetStep(main: HTMLElement, created: SiteCreated): Dispose {
  const line = h('p', { class: 'first-event', role: 'status', 'aria-live': 'polite', 'data-kind': 'waiting' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), t('add.waiting'));
  const notes = h('ul', { class: 'drop-notes form-error', role: 'list', 'aria-live': 'polite', hidden: true });
  replace(
    main,
    h(
      'div',
      { class: 'page narrow stack' },
      h('h1', null, t('add.ready', { domain: created.domain })),
      installTabs(created),
      h('section', { class: 'card stack' }, h('h2', null, t('add.check.title')), h('p', { class: 'muted' }, t('add.check.body')), line, notes, h('p', { class: 'muted' }, t('sites.check.local'))),
      h('p', null, link(settingsHref(created.domain), {}, t('add.toSettings'))),
    ),
  );
  return watchFirstEvent(created.domain, line, notes);
}

export function renderAddSite(main: HTMLElement): Dispose {
  let stopWatching: Dispose | null = null;
  const domain = field(t('add.domain'), input({ name: 'domain', placeholder: 'example.com', autocomplete: 'off', spellcheck: 'false', required: true }), t('add.domain.hint'));
  const zone = timeZoneField(t('add.timezone'), undefined, t('add.timezone.hint'));
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('add.submit'));
  const form = h('form', { class: 'card stack', novalidate: true }, domain.root, zone.root, h('div', { class: 'actions' }, button, link('/', { class: 'btn btn-ghost' }, t('common.cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    domain.setError(null);
    zone.setError(null);
    const timezone = zone.read();
    if (!timezone) return;
    button.disabled = true;
    try {
      const created = await post<SiteCreated>('/api/dashboard/sites', { domain: domain.input.value.trim(), timezone });
      stopWatching = snippetStep(main, created);
    } catch (error) {
      // The server names the field first ("timezone: …", "domain: …"): shown under it, in words.
      if (!showOnField(error, { domain, timezone: zone })) {
        domain.setError(errorText(error));
        domain.input.focus();
      }
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('div', { class: 'page narrow stack' }, h('h1', null, t('add.title')), h('p', { class: 'muted' }, t('add.intro')), form));
  setTitle(t('add.title'));
  domain.input.focus();
  return () => stopWatching?.();
}
