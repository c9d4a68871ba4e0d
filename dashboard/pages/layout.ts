/**
 * The frame around every page: a skip link, the top bar (name, nav, language and theme
 * switches, the user and Log out) and the `<main>` the page draws into.
 * @module
 */
import { h } from '../lib/dom.ts';
import { LANGS, type Lang, lang, t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { THEMES, type Theme, theme } from '../lib/theme.ts';

export interface LayoutOptions {
  /** Absent for a shared link's visitor, who has no account. */
  user?: { email: string; role: 'owner' | 'viewer' };
  /** Which nav entry is current. */
  current?: 'sites' | 'users' | 'account';
  onLang(next: Lang): void;
  onTheme(next: Theme): void;
  onLogout?(): void;
  /** Framed in another site's page (`?embed=1`): the page alone, without the top bar. */
  embedded?: boolean;
}

/** Fixed ids, so focus can return to a switch after the page is drawn again in its new language or theme. */
export const LANG_SWITCH_ID = 'lang-switch';
export const THEME_SWITCH_ID = 'theme-switch';

const LANG_NAMES: Record<Lang, string> = { en: 'English', nb: 'Norsk bokmål' };

function select<V extends string>(id: string, label: string, values: readonly V[], current: V, name: (v: V) => string, onChange: (v: V) => void): HTMLElement {
  const control = h('select', { class: 'input input-compact', id }, ...values.map((v) => h('option', { value: v, selected: v === current }, name(v))));
  control.addEventListener('change', () => onChange(control.value as V));
  return h('div', { class: 'switch' }, h('label', { for: id, class: 'sr-only' }, label), control);
}

function nav(options: LayoutOptions): HTMLElement | null {
  if (!options.user) return null;
  const item = (key: 'sites' | 'users' | 'account', href: string, text: string) =>
    h('li', null, link(href, options.current === key ? { 'aria-current': 'page' } : {}, text));
  return h(
    'nav',
    { 'aria-label': t('nav.label') },
    h(
      'ul',
      null,
      item('sites', '/', t('nav.sites')),
      options.user.role === 'owner' ? item('users', '/users', t('nav.users')) : null,
      item('account', '/account', t('nav.account')),
    ),
  );
}

function account(options: LayoutOptions): HTMLElement | null {
  if (!options.user || !options.onLogout) return null;
  const logout = h('button', { type: 'button', class: 'btn btn-ghost' }, t('nav.logout'));
  logout.addEventListener('click', () => options.onLogout?.());
  return h('div', { class: 'account' }, h('span', { class: 'user-email muted', title: options.user.email }, options.user.email), logout);
}

/** Draws the frame into `root`; returns the `<main>` to draw the page into. */
export function layout(root: HTMLElement, options: LayoutOptions): HTMLElement {
  const main = h('main', { id: 'main', tabindex: -1 });
  if (options.embedded) {
    root.replaceChildren(main);
    return main;
  }
  const brand = options.user ? link('/', { class: 'brand' }, 'Teller') : h('span', { class: 'brand' }, 'Teller');
  const header = h(
    'header',
    { class: 'topbar' },
    h(
      'div',
      { class: 'topbar-inner' },
      brand,
      nav(options),
      h(
        'div',
        { class: 'topbar-tools' },
        select(LANG_SWITCH_ID, t('switch.language'), LANGS, lang(), (v) => LANG_NAMES[v], options.onLang),
        select(THEME_SWITCH_ID, t('switch.theme'), THEMES, theme(), (v) => t(`theme.${v}`), options.onTheme),
        account(options),
      ),
    ),
  );
  root.replaceChildren(h('a', { class: 'skip-link', href: '#main' }, t('nav.skip')), header, main);
  return main;
}
