/**
 * Who may read a site besides the owner: Stats API tokens with their scopes and viewers (shared links:
 * shared-links.ts); and removing the site. A new token is shown once, here, with a copy
 * button, and never again.
 * @module
 */
import './wordpress.css';
import type { TokenInfo, UserInfo } from '../../server/core/dashboard-api/contract.ts';
import { del, get, patch, post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import type { Key } from '../i18n/index.ts';
import { formatTime, hasKey, t } from '../lib/i18n.ts';
import { link, navigate } from '../lib/router.ts';
import { attempt, confirmDialog, copyBox, errorText, field, input, section, status, uid } from '../lib/ui.ts';
import { confirmedForm } from './settings-danger.ts';
import { TOKENS_CHANGED } from './wordpress-connect.ts';

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const when = (unixSeconds: number) => formatTime(unixSeconds, localZone(), { dateStyle: 'medium', timeStyle: 'short' });

/** Fills `into` from `load`, or shows why it could not. */
function loadInto<T>(into: HTMLElement, load: () => Promise<T>, draw: (value: T) => void): void {
  load().then(draw, (error: unknown) => replace(into, h('p', { class: 'form-error', role: 'alert' }, errorText(error))));
}

function secretOnce(title: string, value: string): HTMLElement {
  return h('div', { class: 'secret stack-s' }, h('p', { class: 'chip chip-warn' }, t('settings.secretOnce')), copyBox(value, title));
}

export function tokensSection(domain: string): HTMLElement {
  const table = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const fresh = h('div');
  const line = status();
  const create = h('button', { type: 'button', class: 'btn' }, t('settings.tokens.create'));
  const reload = () =>
    loadInto(table, () => get<{ tokens: TokenInfo[] }>(sitePath(domain, '/tokens')), ({ tokens }) => replace(table, tokensTable(domain, tokens, line, reload)));
  // A token made by "Connect WordPress" joins the list; the listener ends with the page.
  const onMade = () => (table.isConnected ? reload() : document.removeEventListener(TOKENS_CHANGED, onMade));
  document.addEventListener(TOKENS_CHANGED, onMade);
  create.addEventListener('click', async () => {
    const made = await attempt(create, line, () => post<{ token: string; info: TokenInfo }>(sitePath(domain, '/tokens')), t('settings.tokens.created'));
    if (!made) return;
    replace(fresh, secretOnce(t('settings.tokens.title'), made.token));
    reload();
  });
  reload();
  return section(t('settings.tokens.title'), t('settings.tokens.intro'), fresh, table, h('div', { class: 'actions' }, create, line.root));
}

function tokensTable(domain: string, tokens: TokenInfo[], line: ReturnType<typeof status>, reload: () => void): HTMLElement {
  if (tokens.length === 0) return h('p', { class: 'muted' }, t('settings.tokens.none'));
  const row = (token: TokenInfo) => {
    const revoke = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('settings.tokens.revokeOne', { prefix: token.prefix }) }, t('settings.tokens.revoke'));
    revoke.addEventListener('click', async () => {
      if (!(await confirmDialog(t('settings.tokens.confirm', { prefix: token.prefix }), t('settings.tokens.revoke')))) return;
      if (await attempt(revoke, line, () => del(sitePath(domain, `/tokens/${token.id}`)), t('settings.tokens.revoked'))) reload();
    });
    return h(
      'tr',
      null,
      h('td', null, h('code', null, `${token.prefix}…`)),
      h('td', { 'data-label': t('settings.tokens.scopes') }, token.scopes.map((scope) => (hasKey(`token.scope.${scope}`) ? t(`token.scope.${scope}` as Key) : scope)).join(', ')),
      h('td', { class: 'token-date', 'data-label': t('settings.tokens.createdAt') }, when(token.createdAt)),
      h('td', { class: 'token-date', 'data-label': t('settings.tokens.lastUsed') }, token.lastUsedAt === null ? t('settings.tokens.neverUsed') : when(token.lastUsedAt)),
      h('td', { class: 'cell-action' }, revoke),
    );
  };
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table tokens-table' },
      h('thead', null, h('tr', null,  h('th', { scope: 'col' }, t('settings.tokens.prefix')), h('th', { scope: 'col' }, t('settings.tokens.scopes')), h('th', { scope: 'col' }, t('settings.tokens.createdAt')), h('th', { scope: 'col' }, t('settings.tokens.lastUsed')), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('common.actions'))))),
      h('tbody', null, tokens.map(row)),
    ),
  );
}

export function viewersSection(domain: string): HTMLElement {
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  const line = status();
  const setSites = (user: UserInfo, sites: string[], button: HTMLButtonElement | null, success: string) =>
    attempt(button, line, () => patch<{ user: UserInfo }>(`/api/dashboard/users/${user.id}`, { sites }), success);
  const reload = () => loadInto(body, () => get<{ users: UserInfo[] }>('/api/dashboard/users'), ({ users }) => draw(users.filter((u) => u.role === 'viewer')));
  const draw = (viewers: UserInfo[]) => {
    const granted = viewers.filter((u) => u.sites.includes(domain));
    const others = viewers.filter((u) => !u.sites.includes(domain));
    const list = granted.length
      ? h(
          'ul',
          { class: 'list-editor', role: 'list' },
          granted.map((user) => {
            const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('settings.viewers.removeOne', { email: user.email }) }, t('common.remove'));
            remove.addEventListener('click', async () => {
              if (await setSites(user, user.sites.filter((s) => s !== domain), remove, t('common.saved'))) reload();
            });
            return h('li', null, h('span', null, user.email), remove);
          }),
        )
      : h('p', { class: 'muted' }, t('settings.viewers.none'));
    let grant: HTMLElement | null = null;
    if (others.length) {
      const id = uid('viewer');
      const choice = h('select', { class: 'input', id }, others.map((u) => h('option', { value: u.id }, u.email)));
      const add = h('button', { type: 'submit', class: 'btn' }, t('settings.viewers.grant'));
      grant = h('form', { class: 'inline-form' }, h('label', { for: id, class: 'sr-only' }, t('settings.viewers.pick')), choice, add);
      grant.addEventListener('submit', async (event) => {
        event.preventDefault();
        const user = others.find((u) => String(u.id) === choice.value);
        if (user && (await setSites(user, [...user.sites, domain], add, t('common.saved')))) reload();
      });
    }
    replace(body, list, grant, h('p', { class: 'muted' }, t('settings.viewers.newHint'), ' ', link('/users', {}, t('nav.users'))));
  };
  reload();
  return section(t('settings.viewers.title'), t('settings.viewers.intro'), body, line.root);
}

export function removeSection(domain: string): HTMLElement {
  const form = confirmedForm(domain, t('settings.remove.submit'), async (confirm, button, line) => {
    if (await attempt(button, line, () => del(sitePath(domain), { confirm }))) navigate('/');
    return false;
  });
  const root = section(t('settings.remove.title'), t('settings.remove.intro'), form);
  root.classList.add('danger-zone');
  return root;
}
