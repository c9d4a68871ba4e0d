/**
 * The golden privacy texts in docs/privacy-text.{nb,en}.md are what `teller privacy-text`
 * prints today for two configurations. TELLER_UPDATE_GOLDEN=1 writes them anew.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

const ROOT = new URL('../../', import.meta.url);
const URL_ARG = 'https://stats.example.com';

interface Config {
  title: { nb: string; en: string };
  domain: string;
  /** The commands that set the site up, after `site add`. */
  setup: string[][];
  customEvents: boolean;
}

const CONFIGS: Config[] = [
  {
    title: { nb: 'Standardinnstillinger', en: 'Default settings' },
    domain: 'example.com',
    setup: [['site', 'set', 'example.com', '--operator', 'Eksempel AS']],
    customEvents: false,
  },
  {
    title: {
      nb: 'Ingen IP-adresse lagret, bare landet, 90 dagers lagring, egne hendelser og en ekstra søkeparameter',
      en: 'No IP address stored, country only, 90 days of raw events, custom events and an extra search parameter',
    },
    domain: 'shop.example',
    setup: [
      [
        'site', 'set', 'shop.example', '--ip-storage', 'none', '--location', 'country', '--retention-days', '90',
        '--search-params', 's,q,search,query,k', '--operator', 'Butikken AS, Storgata 1, 0155 Oslo', '--privacy-prop', 'plan',
      ],
    ],
    customEvents: true,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'teller-golden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(env: Record<string, string>, argv: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  if (code !== 0) throw new Error(`teller ${argv.join(' ')} exited ${code}: ${err.join('\n')}`);
  return out.join('\n');
}

/** A custom event with two properties, as the collector stores one. */
function addCustomEvent(dbPath: string): void {
  const db = openSqlite(dbPath);
  try {
    const site = db.raw.prepare('SELECT id FROM sites').get() as { id: number };
    const event = db.raw
      .prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, 1, 1, 1767225600, 'Signup', 'shop.example', '/')")
      .run(site.id);
    const prop = db.raw.prepare('INSERT INTO event_props (event_id, site_id, key, value) VALUES (?, ?, ?, ?)');
    prop.run(event.lastInsertRowid, site.id, 'plan', 'pro');
    prop.run(event.lastInsertRowid, site.id, 'method', 'email');
  } finally {
    db.close();
  }
}

function command(config: Config, lang: 'nb' | 'en'): string[] {
  return ['privacy-text', '--site', config.domain, '--lang', lang, '--url', URL_ARG];
}

async function outputs(lang: 'nb' | 'en'): Promise<string[]> {
  const texts: string[] = [];
  for (const [i, config] of CONFIGS.entries()) {
    const env = { TELLER_DB: join(dir, `${lang}-${i}.db`) };
    for (const argv of [['site', 'add', config.domain, '--timezone', 'Europe/Oslo'], ...config.setup]) await run(env, argv);
    if (config.customEvents) addCustomEvent(env.TELLER_DB);
    texts.push(await run(env, command(config, lang)));
  }
  return texts;
}

const INTRO = {
  nb: (file: string) =>
    `# Personvernteksten: eksempler på bokmål\n\nDette er hva \`teller privacy-text\` skriver ut for to oppsett. Teksten lages fra nettstedets innstillinger slik de er nå; endres en innstilling, endres teksten. Testen \`test/node/privacy-text-golden.test.ts\` sjekker at fila er lik det kommandoen skriver i dag (\`TELLER_UPDATE_GOLDEN=1\` skriver den på nytt). Engelsk: [${file}](${file}).\n`,
  en: (file: string) =>
    `# The privacy text: examples in English\n\nThis is what \`teller privacy-text\` prints for two configurations. The text is written from the site's settings as they are now; change a setting and the text changes with it. The test \`test/node/privacy-text-golden.test.ts\` checks that this file is what the command prints today (\`TELLER_UPDATE_GOLDEN=1\` writes it anew). Bokmål: [${file}](${file}).\n`,
};

function goldenDocument(lang: 'nb' | 'en', texts: string[]): string {
  const sections = CONFIGS.map((config, i) => {
    const setup = [['site', 'add', config.domain, '--timezone', 'Europe/Oslo'], ...config.setup]
      .map((argv) => `npm run teller -- ${argv.map(shellWord).join(' ')}`)
      .join('\n');
    const events = config.customEvents
      ? lang === 'nb'
        ? '\n\nNettstedet har en egen hendelse med egenskapene `plan` og `method`; eieren har bekreftet `plan` for teksten.'
        : '\n\nThe site has a custom event with the properties `plan` and `method`; the owner confirmed `plan` for the text.'
      : '';
    return `## ${config.title[lang]}\n\n\`\`\`sh\n${setup}\nnpm run teller -- ${command(config, lang).join(' ')}\n\`\`\`${events}\n\n\`\`\`\`markdown\n${texts[i]}\n\`\`\`\``;
  });
  return `${INTRO[lang](lang === 'nb' ? 'privacy-text.en.md' : 'privacy-text.nb.md')}\n${sections.join('\n\n')}\n`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word}"`;
}

describe('golden privacy texts', () => {
  for (const lang of ['nb', 'en'] as const) {
    it(`docs/privacy-text.${lang}.md is what the command prints today`, async () => {
      const file = new URL(`docs/privacy-text.${lang}.md`, ROOT);
      const expected = goldenDocument(lang, await outputs(lang));
      if (process.env.TELLER_UPDATE_GOLDEN === '1') writeFileSync(file, expected);
      expect(readFileSync(file, 'utf8')).toBe(expected);
    });
  }
});
