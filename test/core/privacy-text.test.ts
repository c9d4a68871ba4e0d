import { describe, expect, it } from 'vitest';
import { FORMATS, type Format } from '../../server/core/privacy/document.ts';
import type { PrivacyFacts } from '../../server/core/privacy/facts.ts';
import { LANGS, type Lang } from '../../server/core/privacy/phrases.ts';
import { privacyText } from '../../server/core/privacy/policy-text.ts';

const BASE: PrivacyFacts = {
  domain: 'example.com',
  ipStorage: 'truncated',
  retentionDays: null,
  searchParams: ['s', 'q', 'search', 'query'],
  locationPrecision: 'region',
  customEvents: false,
  propKeys: [],
  unconfirmedPropKeys: 0,
  operator: 'Eksempel AS',
  tellerOrigin: 'https://stats.example.com',
};

const text = (facts: Partial<PrivacyFacts>, lang: Lang, format: Format = 'txt') => privacyText({ ...BASE, ...facts }, lang, format);

/** Every variant the tests below produce, for the checks that hold for all of them. */
const VARIANTS: Array<Partial<PrivacyFacts>> = [
  {},
  { ipStorage: 'none' },
  { retentionDays: 90 },
  { retentionDays: 1 },
  { searchParams: [] },
  { searchParams: ['k'] },
  { customEvents: true },
  { customEvents: true, propKeys: ['plan', 'method'] },
  { customEvents: true, unconfirmedPropKeys: 1 },
  { customEvents: true, propKeys: ['plan'], unconfirmedPropKeys: 12 },
  { operator: null },
  { locationPrecision: 'country' },
  { locationPrecision: 'city' },
];

describe('privacy text: each setting changes what it says', () => {
  it('IP storage: truncated says /24 and /48 and that the full address is not kept; none says it is never stored', () => {
    const en = { truncated: text({}, 'en'), none: text({ ipStorage: 'none' }, 'en') };
    expect(en.truncated).toContain('shortened before it is stored');
    expect(en.truncated).toContain('IPv4 addresses to /24, IPv6 addresses to /48');
    expect(en.truncated).toContain('your full IP address;');
    expect(en.none).not.toContain('/24');
    expect(en.none).toContain('it is never stored');
    const nb = { truncated: text({}, 'nb'), none: text({ ipStorage: 'none' }, 'nb') };
    expect(nb.truncated).toContain('forkortet før den lagres');
    expect(nb.truncated).toContain('IPv4-adresser til /24, IPv6-adresser til /48');
    expect(nb.none).not.toContain('/24');
    expect(nb.none).toContain('den lagres aldri');
  });

  it('location: says whether the country, the region too or the city too is stored, in both languages', () => {
    const en = (locationPrecision: PrivacyFacts['locationPrecision']) => text({ locationPrecision }, 'en');
    const nb = (locationPrecision: PrivacyFacts['locationPrecision']) => text({ locationPrecision }, 'nb');
    expect(en('country')).toContain('the country, looked up from your IP address');
    expect(en('region')).toContain('the country and region (such as a county or state), looked up from your IP address');
    expect(en('city')).toContain('the country, region (such as a county or state) and city, looked up from your IP address');
    expect(en('country')).not.toMatch(/region|city/);
    expect(en('region')).not.toMatch(/city/);
    expect(nb('country')).toContain('landet, som slås opp fra IP-adressen din');
    expect(nb('region')).toContain('landet og regionen (for eksempel fylke eller delstat), som slås opp');
    expect(nb('city')).toContain('landet, regionen (for eksempel fylke eller delstat) og byen, som slås opp');
    expect(nb('country')).not.toMatch(/regionen|byen/);
  });

  it('retention: a number of days, one day, or until deleted; totals kept in every case', () => {
    expect(text({ retentionDays: 90 }, 'en')).toContain('deleted after 90 days.');
    expect(text({ retentionDays: 1 }, 'en')).toContain('deleted after 1 day.');
    expect(text({}, 'en')).toContain('kept until they are deleted; no automatic time limit is set.');
    expect(text({ retentionDays: 90 }, 'nb')).toContain('slettes etter 90 dager.');
    expect(text({ retentionDays: 1 }, 'nb')).toContain('slettes etter 1 dag.');
    expect(text({}, 'nb')).toContain('lagres til de slettes; det er ikke satt noen automatisk tidsgrense.');
    for (const v of [{}, { retentionDays: 90 }]) {
      expect(text(v, 'en')).toContain('Totals, such as the number of visitors per day');
      expect(text(v, 'nb')).toContain('Samletall, for eksempel antall besøkende per dag');
    }
  });

  it('site-search parameters: all of them listed, one in the singular, none said to be not recorded', () => {
    expect(text({}, 'en')).toContain('read from the parameters s, q, search and query of the page address');
    expect(text({ searchParams: ['k'] }, 'en')).toContain('read from the parameter k of the page address');
    expect(text({ searchParams: [] }, 'en')).toContain('searches on this website are not recorded');
    expect(text({}, 'nb', 'md')).toContain('hentet fra parameterne `s`, `q`, `search` og `query` i sideadressen');
    expect(text({ searchParams: ['k'] }, 'nb')).toContain('hentet fra parameteren k i sideadressen');
    expect(text({ searchParams: [] }, 'nb')).toContain('søk på dette nettstedet registreres ikke');
    for (const lang of LANGS) expect(text({}, lang)).toContain('utm_term');
  });

  it('custom events: absent says nothing of them; present lists the property names', () => {
    expect(text({}, 'en')).not.toContain('counts as events');
    expect(text({}, 'nb')).not.toContain('teller som hendelser');
    expect(text({ customEvents: true }, 'en')).toContain('such as a sign-up or a download;');
    expect(text({ customEvents: true, propKeys: ['method', 'plan'] }, 'en', 'md')).toContain('with these details: `method` and `plan`;');
    expect(text({ customEvents: true, propKeys: ['method', 'plan'] }, 'nb', 'html')).toContain(
      'med disse opplysningene: <code>method</code> og <code>plan</code>;',
    );
  });

  it('property names: only confirmed ones are named; the owner is told how many others arrived, never which', () => {
    const en = text({ customEvents: true, propKeys: ['plan'], unconfirmedPropKeys: 12 }, 'en', 'md');
    expect(en).toContain('with these details: `plan`;');
    expect(en).toMatch(/\n\n> \*\*For the site owner \(remove before publishing\):\*\* 12 property names received with events are not named above/);
    expect(en).toContain('`npm run teller -- site set example.com --privacy-prop <name>`');
    expect(text({ customEvents: true, unconfirmedPropKeys: 1 }, 'en')).toContain('one property name received with events is not named above');
    expect(text({ customEvents: true, unconfirmedPropKeys: 1 }, 'nb')).toContain('ett egenskapsnavn som er mottatt med hendelser, er ikke nevnt ovenfor');
    expect(text({ customEvents: true, unconfirmedPropKeys: 3 }, 'nb', 'html')).toContain(
      '<p class="teller-owner-note"><strong>Til nettstedseieren (fjern før publisering):</strong> 3 egenskapsnavn som er mottatt',
    );
    for (const lang of LANGS) expect(text({ customEvents: true, propKeys: ['plan'] }, lang)).not.toContain('--privacy-prop');
  });

  it('addresses: the query string, fragment parameters and `;` parameters are said to be dropped; what is kept is named', () => {
    const en = text({}, 'en', 'md');
    expect(en).toContain("the page's address without its query string: its path, and on websites that show their pages after a `#` (as in `/#/cart`) the path written there;");
    expect(en).toContain('the rest of the page and referrer addresses, and of addresses in event details: the query string (after `?`)');
    expect(en).toContain('(`utm_source`, `utm_medium`, `utm_campaign`, `utm_content`, `utm_term`, `ref` and `source`)');
    const nb = text({}, 'nb', 'txt');
    expect(nb).toContain('adressen til siden uten spørrestrengen: stien, og på nettsteder som viser sidene sine etter et # (som i /#/handlekurv) stien som står der;');
    expect(nb).toContain('parametere etter ; fjernes, bortsett fra kampanjemerkene og søkeordene nevnt ovenfor;');
  });

  it('operator: named when set; otherwise the owner is told how to set it and the text names no one', () => {
    expect(text({}, 'en')).toContain('on a server operated by Eksempel AS.');
    expect(text({}, 'nb')).toContain('på en server driftet av Eksempel AS.');
    const en = text({ operator: null }, 'en');
    expect(en).not.toContain('operated by');
    expect(en).toContain('npm run teller -- site set example.com --operator');
    expect(text({ operator: null }, 'nb')).toContain('teksten sier ikke hvem som drifter statistikkserveren');
  });

  it('always: no cookies, the daily key deleted within two days, DNT and GPC obeyed, no third party, the opt-out widget', () => {
    for (const facts of VARIANTS) {
      const en = text(facts, 'en');
      expect(en).toContain('Teller sets no cookies and stores nothing in your browser');
      expect(en).toContain('deleted after at most two days');
      expect(en).toContain('cannot be followed from one day to the next');
      expect(en).toContain('If your browser sends Do Not Track or Global Privacy Control, your visit is not recorded at all.');
      expect(en).toContain('not shared with, sold to or used by any third party');
      const nb = text(facts, 'nb');
      expect(nb).toContain('bruker ingen informasjonskapsler (cookies) og lagrer ingenting i nettleseren din');
      expect(nb).toContain('slettes etter høyst to døgn');
      expect(nb).toContain('Sender nettleseren din Do Not Track eller Global Privacy Control, registreres ikke besøket ditt i det hele tatt.');
      expect(nb).toContain('brukes ikke av noen tredjepart');
    }
    expect(text({}, 'nb', 'html')).toContain('<div id="teller-optout" data-lang="nb"></div>\n<script defer src="https://stats.example.com/optout.js"></script>');
    expect(text({}, 'en', 'md')).toContain('<div id="teller-optout" data-lang="en"></div>');
    expect(text({}, 'en', 'txt')).toContain('place the opt-out widget here: <div id="teller-optout"');
  });

  it('the legal basis is marked as a suggestion for the owner, not advice, in every format', () => {
    expect(text({}, 'en', 'md')).toMatch(/> \*\*For the site owner \(remove before publishing\):\*\* the next paragraph is a suggestion[^\n]*not legal advice\.\n\nLegal basis:/);
    expect(text({}, 'nb', 'html')).toMatch(/<p class="teller-owner-note"><strong>Til nettstedseieren \(fjern før publisering\):<\/strong> neste avsnitt er et forslag[^\n]*<\/p>\n\n<p>Behandlingsgrunnlag:/);
    expect(text({}, 'en', 'txt')).toMatch(/\[For the site owner \(remove before publishing\): the next paragraph is a suggestion[^\n]*\]\n\nLegal basis:/);
  });

  it('no placeholder, missing key or unescaped markup reaches any output', () => {
    for (const facts of VARIANTS) {
      for (const lang of LANGS) {
        for (const format of FORMATS) {
          const out = text(facts, lang, format);
          expect(out, `${lang} ${format}`).not.toMatch(/[{}]|undefined|null|NaN|\[object/);
          expect(out.endsWith('\n') && !out.endsWith('\n\n')).toBe(true);
        }
      }
    }
    const html = text({ operator: 'A & B <Drift>' }, 'en', 'html');
    expect(html).toContain('operated by A &amp; B &lt;Drift&gt;.');
    expect(text({ operator: 'Drift_AS *Oslo*' }, 'en', 'md')).toContain('operated by Drift\\_AS \\*Oslo\\*.');
  });
});
