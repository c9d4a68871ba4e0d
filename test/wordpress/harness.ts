/**
 * A real WordPress for the plugin's tests: Debian's `wordpress` package (6.1) served by PHP's
 * built-in server, on a private MariaDB, all inside one temporary directory and on 127.0.0.1
 * only. Nothing outside the temporary directory is read-write: /usr/share/wordpress is copied
 * (it is read-only and its own wp-config.php reads /etc/wordpress), given its own
 * wp-config.php and wp-content, and installed with WordPress' own `wp_install()`.
 *
 * The site's address is `http://<host>.test:<port>`: Chromium (test/e2e/browser.ts) maps
 * `*.test` to 127.0.0.1, and the tracker ignores localhost. Node reaches the same server with
 * `wp.request()`, which sends that Host header to 127.0.0.1.
 *
 * Teardown kills both servers (their whole process groups) and removes the directory; a
 * watchdog shell does the same if the test process dies without tearing down (a crashed
 * worker, a kill), so no mysqld or php outlives the test run.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const DEBIAN_WORDPRESS = '/usr/share/wordpress';
const ENSURE = 'node scripts/ensure-wordpress.mjs';
/** How long a server may take to come up, and a PHP snippet to run, before the test fails. */
const START_TIMEOUT_MS = 30_000;
const PHP_TIMEOUT_MS = 60_000;

export interface WordPressOptions {
  /** The site's host name; must end in `.test` so Chromium resolves it to 127.0.0.1. */
  host?: string;
  /** WordPress' site language (`WPLANG`), e.g. `nb_NO`; English when left out. */
  locale?: string;
  title?: string;
  /**
   * A multisite network (subdomains, so no rewrites are needed: every site is a `*.test` host
   * of its own on the same port), made without the setup screen, which refuses a port other
   * than 80 or 443. More sites with `addNetworkSite`.
   */
  network?: boolean;
}

export interface WordPressUser {
  id: number;
  login: string;
  password: string;
  role: string;
}

export interface WpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WordPress {
  /** `http://<host>:<port>`, the site's address (home and siteurl). */
  url: string;
  host: string;
  port: number;
  /** The temporary directory holding the site, the database and the logs. */
  dir: string;
  /** The document root: the site's copy of WordPress. */
  root: string;
  /** The administrator made by the installation. */
  admin: WordPressUser;
  /**
   * Runs PHP inside WordPress (after wp-load.php, admin functions loaded) as the body of a
   * function, and returns what it returns, through JSON. `as` logs a user in for the snippet.
   */
  php<T = unknown>(body: string, options?: { as?: string }): Promise<T>;
  /** Runs SQL statements on the site's database through the `mariadb` client. */
  sql(statements: string): Promise<string>;
  /** Loads an SQL file (a mysqldump) into the site's database. */
  loadSqlFile(path: string): Promise<void>;
  createUser(login: string, role: string, options?: { locale?: string }): Promise<WordPressUser>;
  /** On a network: a new site at `http://<sub>.<host>:<port>`, initialised as WordPress does (tables, options, admin). */
  addNetworkSite(sub: string, title?: string): Promise<{ id: number; url: string; host: string }>;
  /** Publishes a post or page and returns its id and permalink. */
  createPost(title: string, options?: { type?: 'post' | 'page'; content?: string; slug?: string }): Promise<{ id: number; url: string }>;
  /** Installs a plugin from a zip with WordPress' own Plugin_Upgrader; returns its file (`dir/main.php`). */
  installPlugin(zipPath: string): Promise<string>;
  activatePlugin(file: string): Promise<void>;
  deactivatePlugin(file: string): Promise<void>;
  /** Deletes a plugin as Plugins → Delete does: its uninstall.php (or hook) runs first. */
  deletePlugin(file: string): Promise<void>;
  /** Logs a user in through wp-login.php in the given page; resolves on wp-admin. */
  login(page: Page, user: Pick<WordPressUser, 'login' | 'password'>): Promise<void>;
  /** An HTTP request to the site from Node (Host header set, no redirects followed). */
  request(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<WpResponse>;
  /** PHP errors, warnings and notices WordPress logged (WP_DEBUG_LOG), for checks on the plugin's. */
  debugLog(): string;
  stop(): Promise<void>;
}

/** Fails naming the command that installs what is missing (as launchChromium does for Chromium). */
function requireTools(): { mariadbd: string; installDb: string } {
  const find = (...names: string[]) =>
    names.flatMap((n) => [`/usr/sbin/${n}`, `/usr/bin/${n}`, `/usr/local/bin/${n}`, `/usr/local/sbin/${n}`]).find((p) => existsSync(p));
  const mariadbd = find('mariadbd', 'mysqld');
  const installDb = find('mariadb-install-db', 'mysql_install_db');
  const php = find('php');
  const missing = [
    !php && 'php',
    !mariadbd && 'mariadbd',
    !installDb && 'mariadb-install-db',
    !existsSync(join(DEBIAN_WORDPRESS, 'wp-settings.php')) && DEBIAN_WORDPRESS,
  ].filter(Boolean);
  if (missing.length || !mariadbd || !installDb) {
    throw new Error(`The WordPress tests need ${missing.join(', ')}: run \`${ENSURE}\` (npm test runs it first)`);
  }
  return { mariadbd, installDb };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(file: string, args: string[], options: { input?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: options.timeout ?? PHP_TIMEOUT_MS, maxBuffer: 64 << 20, env: options.env ?? process.env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed (${error.code ?? error.signal}):\n${stderr}\n${stdout}`.slice(0, 8000)));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Polls until `check` is true, failing with `what` and the server's log if the process dies or time runs out. */
async function until(what: string, child: ChildProcess, logFile: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${readLog(logFile)}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${readLog(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-4000) : '';
}

function canConnect(target: { path: string } | { port: number; host: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target as never);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A PHP string literal. */
export const phpString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * `network`: the constants of a subdomain network whose main site is `url`'s host and port.
 * WP_HOME and WP_SITEURL are then left out: they would give every site of it the main site's address.
 */
function wpConfig(o: { socket: string; url: string; dir: string; locale: string; network?: boolean }): string {
  const salt = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
  const keys = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];
  return `<?php
// Written by test/wordpress/harness.ts for one test run.
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', ${phpString(`localhost:${o.socket}`)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${keys.map((k) => `define('${k}', '${salt()}');`).join('\n')}
$table_prefix = 'wp_';
${o.network ? networkConstants(new URL(o.url).host) : `define('WP_HOME', ${phpString(o.url)});\ndefine('WP_SITEURL', ${phpString(o.url)});`}
${o.locale ? `define('WPLANG', ${phpString(o.locale)});` : ''}
// No cron spawned from page loads, no update checks: every request is the test's own.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
// Outgoing HTTP only to this machine (Teller on 127.0.0.1); wordpress.org is never asked.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost,*.test');
define('FS_METHOD', 'direct');
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', ${phpString(join(o.dir, 'debug.log'))});
define('WP_DEBUG_DISPLAY', false);
define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`;
}

const networkConstants = (hostAndPort: string) => `define('MULTISITE', true);
define('SUBDOMAIN_INSTALL', true);
define('DOMAIN_CURRENT_SITE', ${phpString(hostAndPort)});
define('PATH_CURRENT_SITE', '/');
define('SITE_ID_CURRENT_SITE', 1);
define('BLOG_ID_CURRENT_SITE', 1);
// A subdomain network's cookies would go to '.<host>:<port>', which no browser accepts: host-only cookies.
define('COOKIE_DOMAIN', '');`;

/** The PHP built-in server's router: existing files as they are, every other path through index.php (pretty permalinks). */
const ROUTER = `<?php
$root = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($path !== '/' && (is_file($root . $path) || is_file(rtrim($root . $path, '/') . '/index.php'))) {
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
`;

/** Must-use plugin: mail is never sent (there is no MTA), everything else as WordPress does it. */
const MU_PLUGIN = `<?php
// Written by test/wordpress/harness.ts: there is no mail server; wp_mail() reports success unsent.
add_filter('pre_wp_mail', '__return_true');
`;

/** Spawns a server in its own process group, so teardown can kill it with any workers it forked. */
function spawnServer(file: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(file, args, { detached: true, stdio: ['ignore', log, log], env });
  } finally {
    closeSync(log);
  }
}

/** Kills process groups when this process goes away without teardown (a crashed or killed worker). */
function startWatchdog(pgids: number[], dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pgids.map((p) => `-${p}`).join(' ')} 2>/dev/null; rm -rf '${dir}'`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    return;
  }
  await exited;
}

export async function startWordPress(options: WordPressOptions = {}): Promise<WordPress> {
  const { mariadbd, installDb } = requireTools();
  const host = options.host ?? 'wp.test';
  // Short path: a unix socket's path must fit in 107 bytes.
  const dir = mkdtempSync(join(tmpdir().length > 40 ? '/tmp' : tmpdir(), 'teller-wp-'));
  const root = join(dir, 'site');
  const socket = join(dir, 'mysql.sock');
  const children: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  const stop = async () => {
    await Promise.all(children.map(killGroup));
    if (watchdog?.pid) {
      try { process.kill(-watchdog.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The database and the copy of WordPress are independent: make both at once.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? 'root' : (process.env.USER ?? 'nobody');
    const dbReady = (async () => {
      await run(installDb, ['--no-defaults', `--datadir=${join(dir, 'db')}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { timeout: START_TIMEOUT_MS });
      const mysqld = spawnServer(mariadbd, [
        '--no-defaults', `--datadir=${join(dir, 'db')}`, `--socket=${socket}`, '--skip-networking', `--user=${user}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`, '--skip-log-bin', '--performance-schema=OFF',
        '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--skip-name-resolve',
      ], join(dir, 'mariadb.log'));
      children.push(mysqld);
      await until('MariaDB', mysqld, join(dir, 'mariadb.log'), () => canConnect({ path: socket }));
    })();
    await run('cp', ['-rL', DEBIAN_WORDPRESS, root], { timeout: START_TIMEOUT_MS });
    const port = await freePort();
    const url = `http://${host}:${port}`;
    rmSync(join(root, 'wp-config.php'));
    writeFileSync(join(root, 'wp-config.php'), wpConfig({ socket, url, dir, locale: options.locale ?? '' }));
    writeFileSync(join(dir, 'router.php'), ROUTER);
    mkdirSync(join(root, 'wp-content', 'mu-plugins'), { recursive: true });
    mkdirSync(join(root, 'wp-content', 'uploads'), { recursive: true });
    writeFileSync(join(root, 'wp-content', 'mu-plugins', 'teller-test-env.php'), MU_PLUGIN);
    await dbReady;
    const sqlClient = (statements: string) => run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '--batch', 'wordpress'], { input: statements });
    await run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', 'CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci']);

    let snippet = 0;
    const php = async <T>(body: string, opts: { as?: string; installing?: boolean } = {}): Promise<T> => {
      const file = join(dir, `snippet-${++snippet}.php`);
      writeFileSync(file, `<?php
$_SERVER['HTTP_HOST'] = ${phpString(`${host}:${port}`)};
$_SERVER['SERVER_NAME'] = ${phpString(host)};
$_SERVER['SERVER_PORT'] = '${port}';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
${opts.installing ? "define('WP_INSTALLING', true);" : ''}
require ${phpString(join(root, 'wp-load.php'))};
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
${opts.as ? `wp_set_current_user(0, ${phpString(opts.as)});` : ''}
$teller_result = (function () { ${body}
})();
echo "\\n--teller-json--\\n", json_encode($teller_result);
`);
      const out = await run('php', ['-d', 'display_errors=stderr', file]);
      const at = out.lastIndexOf('\n--teller-json--\n');
      if (at < 0) throw new Error(`PHP snippet printed no result:\n${out.slice(-4000)}`);
      return JSON.parse(out.slice(at + '\n--teller-json--\n'.length)) as T;
    };

    const adminPassword = `admin-${crypto.randomUUID()}`;
    await php(`
      wp_install(${phpString(options.title ?? 'Teller test site')}, 'admin', 'admin@example.test', true, '', ${phpString(adminPassword)}, ${phpString(options.locale ?? '')});
      update_option('timezone_string', 'UTC');
      // No avatars from gravatar.com: every request a page makes stays on this machine.
      update_option('show_avatars', 0);
      global $wp_rewrite;
      $wp_rewrite->set_permalink_structure('/%postname%/');
      flush_rewrite_rules(false);
      return true;`, { installing: true });
    if (options.network) {
      // What Network Setup does, without its screen: the network's tables and its first site.
      // populate_network() ends by probing a random subdomain for wildcard DNS, which only
      // Chromium's resolver maps here; that error comes after everything is written.
      await php(`
        require_once ABSPATH . 'wp-admin/includes/network.php';
        global $wpdb;
        foreach ($wpdb->tables('ms_global') as $table => $prefixed) { $wpdb->$table = $prefixed; }
        install_network();
        $result = populate_network(1, ${phpString(`${host}:${port}`)}, 'admin@example.test', 'Teller test network', '/', true);
        if (is_wp_error($result) && $result->get_error_code() !== 'no_wildcard_dns') throw new Exception($result->get_error_message());
        return true;`);
      writeFileSync(join(root, 'wp-config.php'), wpConfig({ socket, url, dir, locale: options.locale ?? '', network: true }));
    }

    const server = spawnServer('php', ['-S', `127.0.0.1:${port}`, '-t', root, join(dir, 'router.php')], join(dir, 'php.log'), {
      ...process.env,
      // Several requests at once: a page's own assets, and the plugin's proxy while wp-admin loads.
      PHP_CLI_SERVER_WORKERS: '4',
    });
    children.push(server);
    watchdog = startWatchdog(children.map((c) => c.pid!), dir);
    await until('php -S', server, join(dir, 'php.log'), () => canConnect({ port, host: '127.0.0.1' }));

    const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
      new Promise<WpResponse>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host: `${host}:${port}`, ...init.headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.setTimeout(PHP_TIMEOUT_MS, () => req.destroy(new Error(`${path}: no answer`)));
        req.on('error', reject);
        req.end(init.body);
      });

    const wp: WordPress = {
      url,
      host,
      port,
      dir,
      root,
      admin: { id: 1, login: 'admin', password: adminPassword, role: 'administrator' },
      php,
      sql: sqlClient,
      loadSqlFile: async (path) => void (await sqlClient(readFileSync(path, 'utf8'))),
      async createUser(login, role, opts = {}) {
        const password = `pw-${crypto.randomUUID()}`;
        const id = await php<number>(`
          $id = wp_insert_user(['user_login' => ${phpString(login)}, 'user_pass' => ${phpString(password)}, 'user_email' => ${phpString(`${login}@example.test`)}, 'role' => ${phpString(role)}, 'locale' => ${phpString(opts.locale ?? '')}]);
          if (is_wp_error($id)) throw new Exception($id->get_error_message());
          return $id;`);
        return { id, login, password, role };
      },
      async addNetworkSite(sub, title = sub) {
        const siteHost = `${sub}.${host}`;
        const id = await php<number>(`
          if (!is_multisite()) throw new Exception('not a network: start WordPress with { network: true }');
          $id = wp_insert_site(['domain' => ${phpString(siteHost)}, 'path' => '/', 'title' => ${phpString(title)}, 'user_id' => 1]);
          if (is_wp_error($id)) throw new Exception($id->get_error_message());
          // wp_insert_site() strips the port from the domain; the network's sites all have it.
          global $wpdb;
          $wpdb->update($wpdb->blogs, ['domain' => ${phpString(`${siteHost}:${port}`)}], ['blog_id' => $id]);
          clean_blog_cache($id);
          switch_to_blog($id);
          update_option('home', ${phpString(`http://${siteHost}:${port}`)});
          update_option('siteurl', ${phpString(`http://${siteHost}:${port}`)});
          update_option('timezone_string', 'UTC');
          update_option('show_avatars', 0);
          global $wp_rewrite;
          $wp_rewrite->init();
          $wp_rewrite->set_permalink_structure('/%postname%/');
          flush_rewrite_rules(false);
          restore_current_blog();
          return $id;`, { as: 'admin' });
        return { id, url: `http://${siteHost}:${port}`, host: siteHost };
      },
      async createPost(title, opts = {}) {
        return php<{ id: number; url: string }>(`
          $id = wp_insert_post(['post_title' => ${phpString(title)}, 'post_name' => ${phpString(opts.slug ?? '')}, 'post_type' => ${phpString(opts.type ?? 'post')}, 'post_status' => 'publish', 'post_author' => 1, 'post_content' => ${phpString(opts.content ?? `<p>${title}</p>`)}], true);
          if (is_wp_error($id)) throw new Exception($id->get_error_message());
          return ['id' => $id, 'url' => get_permalink($id)];`);
      },
      async installPlugin(zipPath) {
        return php<string>(`
          require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
          $upgrader = new Plugin_Upgrader(new Automatic_Upgrader_Skin());
          $result = $upgrader->install(${phpString(zipPath)});
          if ($result !== true) {
            $messages = $upgrader->skin->get_upgrade_messages();
            throw new Exception('install failed: ' . (is_wp_error($result) ? $result->get_error_message() : implode(' / ', $messages)));
          }
          return $upgrader->plugin_info();`, { as: 'admin' });
      },
      async activatePlugin(file) {
        await php(`
          $result = activate_plugin(${phpString(file)}, '', false, false);
          if (is_wp_error($result)) throw new Exception($result->get_error_message());
          return true;`, { as: 'admin' });
      },
      async deactivatePlugin(file) {
        await php(`deactivate_plugins(${phpString(file)}); return true;`, { as: 'admin' });
      },
      async deletePlugin(file) {
        await php(`
          deactivate_plugins(${phpString(file)});
          $result = delete_plugins([${phpString(file)}]);
          if ($result !== true) throw new Exception(is_wp_error($result) ? $result->get_error_message() : 'delete_plugins failed');
          return true;`, { as: 'admin' });
      },
      login: (page, user) => logInAt(page, url, user),
      request,
      debugLog: () => readLog(join(dir, 'debug.log')),
      stop,
    };
    return wp;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Logs `user` in through the WordPress at `siteUrl` (a network's other site too), throwing
 * with WordPress' reason when it refuses.
 */
export async function logInAt(page: Page, siteUrl: string, user: Pick<WordPressUser, 'login' | 'password'>): Promise<void> {
  await page.goto(`${siteUrl}/wp-login.php`);
  // The form filled and sent in one task: wp-login.php's own scripts (the 200 ms focus
  // timer, user-profile.js disabling a password field it finds hidden) could otherwise act
  // between typing and clicking, and under load once sent an empty password.
  await page.evaluate(([login, password]) => {
    const form = document.querySelector<HTMLFormElement>('#loginform')!;
    const pass = form.querySelector<HTMLInputElement>('#user_pass')!;
    form.querySelector<HTMLInputElement>('#user_login')!.value = login;
    pass.disabled = false;
    pass.value = password;
    form.requestSubmit(form.querySelector<HTMLButtonElement>('#wp-submit'));
  }, [user.login, user.password] as const);
  // Either wp-admin, or the login form again with WordPress' reason, which the test names.
  await page.waitForFunction(() => location.pathname.startsWith('/wp-admin/') || document.querySelector('#login_error') !== null);
  if (!new URL(page.url()).pathname.startsWith('/wp-admin/')) {
    const fields = await page.evaluate(() => ({ login: (document.querySelector('#user_login') as HTMLInputElement | null)?.value, cookies: document.cookie }));
    throw new Error(`${user.login} could not log in: ${(await page.textContent('#login_error'))?.trim()} (form: ${JSON.stringify(fields)})`);
  }
}
