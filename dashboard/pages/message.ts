/** A page that only says something: not found, not allowed, a link that was revoked. */
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { setTitle } from '../lib/ui.ts';

export function messagePage(main: HTMLElement, title: string, body: string, home = true): undefined {
  setTitle(title);
  replace(main, h('div', { class: 'page narrow' }, h('h1', null, title), h('p', { class: 'muted' }, body), home ? h('p', null, link('/', {}, t('error.backHome'))) : null));
  return undefined;
}
