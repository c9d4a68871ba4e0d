/**
 * The plugin's translations: every string the PHP passes to WordPress' translation functions
 * is in teller.pot with the text domain `teller`, bokmål translates all of it with the same
 * placeholders, and scripts/po-to-mo.mjs writes a .mo that WordPress' own reader
 * (wp-includes/pomo/mo.php of Debian's wordpress package) reads back.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePo, poToMo } from '../../scripts/po-to-mo.mjs';
import { filesUnder, PLUGIN_ROOT, run } from './php-tools.ts';

const LANGUAGES = join(PLUGIN_ROOT, 'teller/languages');
const WORDPRESS = '/usr/share/wordpress';
const pot = parsePo(readFileSync(join(LANGUAGES, 'teller.pot'), 'utf8'));
const nb = parsePo(readFileSync(join(LANGUAGES, 'teller-nb_NO.po'), 'utf8'));
const keyOf = (e: { context: string | null; id: string }) => `${e.context ?? ''}\u0004${e.id}`;

/** The translation calls in the PHP sources: function, text (single-quoted PHP string) and domain. */
function translationCalls(): Array<{ file: string; text: string; domain: string }> {
  const call = /\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\(\s*'((?:[^'\\]|\\.)*)'\s*(?:,\s*'([^']*)')?\s*\)/g;
  return filesUnder(join(PLUGIN_ROOT, 'teller'), '.php').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(call)].map((m) => ({
      file,
      text: (m[1] ?? '').replace(/\\(['\\])/g, '$1'),
      domain: m[2] ?? '(none)',
    })),
  );
}

const placeholders = (s: string) => [...s.matchAll(/%(?:\d+\$)?[sd]/g)].map((m) => m[0]).sort();

describe('the WordPress plugin translations', () => {
  const calls = translationCalls();
  const potIds = new Set(pot.filter((e) => e.context === null && e.id !== '').map((e) => e.id));

  it('passes every string through the text domain teller', () => {
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter((c) => c.domain !== 'teller')).toEqual([]);
  });

  it('has every source string in teller.pot, and no string the sources dropped', () => {
    const used = new Set(calls.map((c) => c.text));
    expect([...used].filter((t) => !potIds.has(t))).toEqual([]);
    const header = readFileSync(join(PLUGIN_ROOT, 'teller/teller.php'), 'utf8');
    const blockJson = readFileSync(join(PLUGIN_ROOT, 'teller/blocks/optout/block.json'), 'utf8');
    expect([...potIds].filter((t) => !used.has(t) && !header.includes(t) && !blockJson.includes(t))).toEqual([]);
  });

  it('translates every string into bokmål with the same placeholders', () => {
    const translated = new Map(nb.map((e) => [keyOf(e), e]));
    const problems = pot
      .filter((e) => e.id !== '')
      .flatMap((e) => {
        const t = translated.get(keyOf(e));
        if (!t || !t.strings[0] || t.fuzzy) return [`untranslated: ${e.id}`];
        return placeholders(t.strings[0]).join() === placeholders(e.id).join() ? [] : [`placeholders differ: ${e.id}`];
      });
    expect(problems).toEqual([]);
  });

  describe('the .mo file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-mo-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is read by WordPress\' own MO reader with every translation', () => {
      expect(existsSync(`${WORDPRESS}/wp-includes/pomo/mo.php`), `Debian's WordPress is missing; install it with: apt-get update && apt-get install -y wordpress`).toBe(true);
      const mo = join(dir, 'teller-nb_NO.mo');
      writeFileSync(mo, poToMo(readFileSync(join(LANGUAGES, 'teller-nb_NO.po'), 'utf8')));
      const reader = join(dir, 'read.php');
      writeFileSync(
        reader,
        `<?php
define( 'ABSPATH', '${WORDPRESS}/' );
require '${WORDPRESS}/wp-includes/pomo/mo.php';
$mo = new MO();
if ( ! $mo->import_from_file( $argv[1] ) ) { fwrite( STDERR, "not read\\n" ); exit( 1 ); }
$out = array( 'language' => $mo->get_header( 'Language' ), 'entries' => array() );
foreach ( $mo->entries as $entry ) { $out['entries'][] = array( $entry->context, $entry->singular, $entry->translations[0] ); }
echo json_encode( $out );
`,
      );
      const { status, output } = run('php', [reader, mo]);
      expect(status, output).toBe(0);
      const read = JSON.parse(output) as { language: string; entries: Array<[string | null, string, string]> };
      expect(read.language).toBe('nb_NO');
      const expected = nb.filter((e) => e.id !== '').map((e) => [e.context, e.id, e.strings[0]]);
      expect(read.entries.length).toBe(expected.length);
      expect(read.entries).toEqual(expect.arrayContaining(expected));
      expect(read.entries).toContainEqual([null, 'Test connection', 'Test tilkoblingen']);
      expect(read.entries).toContainEqual(['block title', 'Teller opt-out', 'Teller-reservasjon']);
    });
  });
});

describe('po-to-mo', () => {
  it('leaves out fuzzy and untranslated entries, keeps contexts, plurals and escapes', () => {
    const po = [
      'msgid ""',
      'msgstr "Content-Type: text/plain; charset=UTF-8\\n"',
      '',
      '#, fuzzy',
      'msgid "Guess"',
      'msgstr "Gjett"',
      '',
      'msgid "Missing"',
      'msgstr ""',
      '',
      'msgctxt "menu"',
      'msgid "Say \\"hi\\""',
      'msgstr ""',
      '"Si \\"hei\\"\\n"',
      '',
      'msgid "%d visit"',
      'msgid_plural "%d visits"',
      'msgstr[0] "%d besøk"',
      'msgstr[1] "%d besøk"',
      '',
    ].join('\n');
    const entries = parsePo(po);
    expect(entries.map((e) => [e.context, e.id, e.strings, e.fuzzy])).toEqual([
      [null, '', ['Content-Type: text/plain; charset=UTF-8\n'], false],
      [null, 'Guess', ['Gjett'], true],
      [null, 'Missing', [''], false],
      ['menu', 'Say "hi"', ['Si "hei"\n'], false],
      [null, '%d visit', ['%d besøk', '%d besøk'], false],
    ]);
    const mo = poToMo(po);
    const view = new DataView(mo.buffer);
    expect(view.getUint32(0, true)).toBe(0x950412de);
    expect(view.getUint32(8, true)).toBe(3);
    const text = new TextDecoder().decode(mo);
    expect(text).not.toContain('Gjett');
    expect(text).toContain('menu\u0004Say "hi"');
    expect(text).toContain('%d visit\u0000%d visits');
  });

  it('names the line of a malformed .po', () => {
    expect(() => parsePo('msgid "a"\nmsgstr "b\n')).toThrow(/line 2/);
  });
});
