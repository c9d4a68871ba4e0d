// @ts-check
/**
 * `pretest`: the browser tests drive the system's Chromium (`/usr/bin/chromium`, or the
 * path in TELLER_CHROMIUM). When it is missing, install it from the distribution's
 * packages if we can (root on Debian/Ubuntu), otherwise stop and print the one command
 * to run: a browser test is never skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';

const path = process.env.TELLER_CHROMIUM || '/usr/bin/chromium';

/** @param {string} file */
function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDebianLike() {
  if (!existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && existsSync('/usr/bin/apt-get');
}

if (executable(path)) process.exit(0);

if (process.env.TELLER_CHROMIUM) {
  console.error(`ensure-chromium: TELLER_CHROMIUM=${path} is not an executable file.`);
  process.exit(1);
}

const command = 'apt-get update && apt-get install -y chromium';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !isDebianLike()) {
  console.error(
    `ensure-chromium: the browser tests need Chromium at ${path}, which is missing.\n` +
      `Install it, then run the tests again:\n\n    sudo sh -c '${command}'\n\n` +
      '(or point TELLER_CHROMIUM at a Chromium or Chrome binary)',
  );
  process.exit(1);
}

console.log(`ensure-chromium: ${path} is missing; installing Debian's chromium package`);
const result = spawnSync('sh', ['-c', command], {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
if (result.status !== 0 || !executable(path)) {
  // Ubuntu's package installs a snap, which lives elsewhere.
  const hint = existsSync('/snap/bin/chromium') ? '\nChromium is at /snap/bin/chromium: set TELLER_CHROMIUM=/snap/bin/chromium.' : '';
  console.error(`ensure-chromium: Chromium is still missing at ${path} after:\n\n    ${command}\n${hint}`);
  process.exit(1);
}
