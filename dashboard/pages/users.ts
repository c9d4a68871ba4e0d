/**
 * Users (owner): everyone with their role and sites; add a viewer with the sites they may
 * read; change a viewer's sites or set a new password for them; delete a user after a confirm;
 * require two-factor login for everyone, or reset someone's (two-factor.ts).
 * @module
 */
import '../lib/page-strings.ts';
import type { SiteSummary, UserInfo } from '../../server/core/dashboard-api/contract.ts';
import { del, get, patch, post } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { emailField, newPasswordField, showOnField } from '../lib/form-fields.ts';
import { attempt, confirmDialog, errorText, section, setTitle, status, uid } from '../lib/ui.ts';
import type { AppContext, Dispose } from './app.ts';
import { policySection, userTwoFactor } from './two-factor.ts';

/** Checkboxes, one per site; returns the group and a reader of the ticked domains. */
function siteChoices(legend: string, sites: SiteSummary[], ticked: string[], name?: string): { root: HTMLElement; value(): string[] } {
  const boxes = sites.map((site) => {
    const id = uid('site');
    const box = h('input', { type: 'checkbox', id, value: site.domain, checked: ticked.includes(site.domain) });
    return { box, root: h('div', { class: 'choice' }, box, h('label', { for: id }, site.domain)) };
  });
  const root = h(
    'fieldset',
    // The visible legend is short; the accessible name says whose sites these are.
    { class: 'choices', 'aria-label': name },
    h('legend', null, legend),
    boxes.length ? boxes.map((b) => b.root) : h('p', { class: 'muted' }, t('users.noSites')),
  );
  return { root, value: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value) };
}

type Reload = (notice?: string) => void;

function userRow(user: UserInfo, sites: SiteSummary[], self: string, reload: Reload): HTMLElement {
  const line = status();
  const isOwner = user.role === 'owner';
  const head = h(
    'div',
    { class: 'user-head' },
    h('h3', { class: 'user-name' }, user.email),
    h('span', { class: isOwner ? 'chip chip-accent' : 'chip' }, isOwner ? t('users.role.owner') : t('users.role.viewer')),
  );
  const actions = h('div', { class: 'actions' });
  const twoFactor = userTwoFactor(user, user.email === self, line, () => reload(t('tf.user.resetDone', { email: user.email })));
  if (twoFactor.chip) head.append(twoFactor.chip);
  let body: HTMLElement = h('p', { class: 'muted' }, t('users.ownerSites'));
  if (!isOwner) {
    const seesNothing = h('span', { class: 'chip chip-warn', hidden: user.sites.length > 0 }, t('users.seesNothing'));
    head.append(seesNothing);
    const choices = siteChoices(t('users.add.sites'), sites, user.sites, t('users.sitesOf', { email: user.email }));
    const save = h('button', { type: 'submit', class: 'btn' }, t('users.saveSites'));
    actions.append(save);
    const sitesForm = h('form', { class: 'stack-s' }, choices.root, actions);
    sitesForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const sites = choices.value();
      if (await attempt(save, line, () => patch(`/api/dashboard/users/${user.id}`, { sites }), t('common.saved'))) seesNothing.hidden = sites.length > 0;
    });
    body = h('div', { class: 'stack-s' }, sitesForm, passwordReset(user, line));
  }
  // Beside the viewer's password, not their sites: both are for someone locked out.
  if (twoFactor.button) (isOwner ? actions : body).append(isOwner ? twoFactor.button : h('div', { class: 'actions' }, twoFactor.button));
  if (user.email !== self) {
    const remove = h('button', { type: 'button', class: 'btn btn-danger btn-push' }, t('users.delete'));
    remove.addEventListener('click', async () => {
      if (!(await confirmDialog(t('users.deleteConfirm', { email: user.email }), t('users.delete')))) return;
      if (await attempt(remove, line, () => del(`/api/dashboard/users/${user.id}`))) reload(t('users.deleted', { email: user.email }));
    });
    actions.append(remove);
  }
  return h('li', { class: 'card stack-s user' }, head, body, isOwner && actions.firstChild ? actions : null, line.root);
}

/** A new password for a viewer who lost theirs; the server ends the viewer's sessions with it. */
function passwordReset(user: UserInfo, line: ReturnType<typeof status>): HTMLElement {
  const password = newPasswordField(t('users.password.label', { email: user.email }), {}, t('users.add.passwordHint'));
  const save = h('button', { type: 'submit', class: 'btn' }, t('users.password.save'));
  const form = h('form', { class: 'stack-s', novalidate: true }, password.root, h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!password.check()) return;
    let failure: unknown = null;
    const done = await attempt(save, line, () => patch(`/api/dashboard/users/${user.id}`, { password: password.input.value }).catch((error: unknown) => Promise.reject((failure = error))), t('users.password.done', { email: user.email }));
    if (done) password.input.value = '';
    else if (showOnField(failure, { password })) line.clear();
  });
  return h('details', { class: 'password-reset' }, h('summary', null, t('users.password')), form);
}

function addViewerForm(sites: SiteSummary[], added: Reload): HTMLElement {
  const email = emailField(t('auth.email'), { autocomplete: 'off' });
  const password = newPasswordField(t('auth.password'), {}, t('users.add.passwordHint'));
  const choices = siteChoices(t('users.add.sites'), sites, []);
  const line = status();
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.add.submit'));
  const form = h('form', { class: 'stack', novalidate: true }, email.root, password.root, choices.root, h('div', { class: 'actions' }, button, line.root));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    line.clear();
    if (!email.check() || !password.check()) return;
    const sites = choices.value();
    // A viewer without a site sees nothing: said before, and added only when the owner means it.
    const noSites = sites.length === 0;
    if (noSites && !(await confirmDialog(t('users.noSites.confirm', { email: email.input.value.trim() }), t('users.noSites.add')))) return;
    let failure: unknown = null;
    const made = await attempt(button, line, () =>
      post<{ user: UserInfo }>('/api/dashboard/users', { email: email.input.value.trim(), password: password.input.value, role: 'viewer', sites, ...(noSites ? { noSites } : {}) }).catch(
        (error: unknown) => Promise.reject((failure = error)),
      ),
    );
    if (made) added(t(noSites ? 'users.add.doneNoSites' : 'users.add.done', { email: made.user.email }));
    else if (showOnField(failure, { email, password })) line.clear();
  });
  return section(t('users.add.title'), t('users.add.intro'), form);
}

function ownersFirst(users: UserInfo[]): UserInfo[] {
  return [...users].sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner') || a.email.localeCompare(b.email));
}

export function renderUsers(main: HTMLElement, app: AppContext): Dispose {
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  replace(main, h('div', { class: 'page narrow' }, h('h1', null, t('users.title')), body));
  setTitle(t('users.title'));
  let live = true;
  const reload: Reload = (notice) => {
    Promise.all([get<{ users: UserInfo[] }>('/api/dashboard/users'), app.loadSites()])
      .then(([{ users }, sites]) => {
        if (!live) return;
        const done = status();
        if (notice) done.ok(notice);
        replace(
          body,
          done.root,
          h('ul', { class: 'stack', role: 'list', 'aria-label': t('users.listLabel') }, ownersFirst(users).map((u) => userRow(u, sites, app.user.email, reload))),
          addViewerForm(sites, reload),
          policySection(),
        );
      })
      .catch((error: unknown) => {
        if (live) replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      });
  };
  reload();
  return () => {
    live = false;
  };
}
