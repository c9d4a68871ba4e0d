/**
 * One `teller import plausible` in its own process, for the import benchmark: the CLI's
 * real path (ZIP read in place → CSV parser → runImport into the SQLite file TELLER_DB).
 * Prints one JSON line: wall time, the CLI's output and the process's peak RSS.
 * Usage: node --import tsx bench/import-child.ts <domain> <export.zip>
 */
import { runCli } from '../server/node/cli.ts';

const [domain, zip] = process.argv.slice(2);
const out: string[] = [];
const err: string[] = [];
const started = performance.now();
const code = await runCli(['import', 'plausible', '--site', domain!, zip!], {
  stdout: (l) => out.push(l),
  stderr: (l) => err.push(l),
  prompt: async () => null,
  env: process.env,
});
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ code, ms, out, err, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
