// @ts-check
/**
 * `pretest`: the WordPress tests (test/wordpress/) run the plugin on a real WordPress from
 * Debian's packages, served by PHP's built-in server from a private MariaDB, and check the
 * plugin's PHP with `php -l` and PHPUnit. When any of those is missing, install them from the
 * distribution's packages if we can (root on Debian/Ubuntu), otherwise stop and print the one
 * command to run: a WordPress test is never skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const PACKAGES = 'php-cli php-mysql mariadb-server wordpress phpunit';

/** @param {string} name */
function onPath(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0 || existsSync(`/usr/sbin/${name}`);
}

/** What is missing, each named by what the tests need it for. */
function missing() {
  /** @type {string[]} */
  const out = [];
  if (!onPath('php')) out.push('php (php-cli)');
  else if (spawnSync('php', ['-r', 'exit(extension_loaded("mysqli") ? 0 : 1);'], { stdio: 'ignore' }).status !== 0) {
    out.push("PHP's mysqli extension (php-mysql)");
  }
  if (!onPath('mariadbd') && !onPath('mysqld')) out.push('mariadbd (mariadb-server)');
  if (!onPath('mariadb-install-db') && !onPath('mysql_install_db')) out.push('mariadb-install-db (mariadb-server)');
  if (!existsSync('/usr/share/wordpress/wp-settings.php')) out.push('/usr/share/wordpress (wordpress)');
  if (!onPath('phpunit')) out.push('phpunit');
  return out;
}

function isDebianLike() {
  if (!existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && existsSync('/usr/bin/apt-get');
}

const before = missing();
if (before.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${PACKAGES}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !isDebianLike()) {
  console.error(
    `ensure-wordpress: the WordPress plugin tests need ${before.join(', ')}, which ${before.length === 1 ? 'is' : 'are'} missing.\n` +
      `Install them, then run the tests again:\n\n    sudo sh -c '${command}'\n`,
  );
  process.exit(1);
}

console.log(`ensure-wordpress: missing ${before.join(', ')}; installing Debian's packages`);
const result = spawnSync('sh', ['-c', command], {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
const after = missing();
if (result.status !== 0 || after.length > 0) {
  console.error(`ensure-wordpress: still missing ${after.join(', ') || '(see apt-get above)'} after:\n\n    ${command}\n`);
  process.exit(1);
}
