/**
 * The wording of the privacy text in each language, one function per statement. Which
 * statements appear is decided once, in policy-text.ts, from the configuration; here is only how
 * each is said.
 * @module
 */
import type { LocationPrecision } from '../ingest/location.ts';
import type { Inline } from './document.ts';

export type Lang = 'nb' | 'en';
export const LANGS: readonly Lang[] = ['nb', 'en'];

export interface Phrases {
  title: string;
  intro(domain: string, operator: string | null): Inline[];
  noThirdParty: Inline[];
  noOperatorNote(domain: string): Inline[];
  noCookies: Inline[];
  recordedHeading: string;
  recordedLead: Inline[];
  page: Inline[];
  referrer: Inline[];
  campaignTags: Inline[];
  searchWords(siteParams: string[]): Inline[];
  location(precision: LocationPrecision): Inline[];
  client: Inline[];
  truncatedIp: Inline[];
  customEvents(propKeys: string[]): Inline[];
  unconfirmedPropsNote(count: number, domain: string): Inline[];
  visitorKey: Inline[];
  notRecordedHeading: string;
  fullIp: Inline[];
  noIpStored: Inline[];
  userAgent: Inline[];
  restOfAddresses: Inline[];
  noIdentity: Inline[];
  dailyKeyHeading: string;
  dailyKey: Inline[];
  dntGpc: Inline[];
  retentionHeading: string;
  retention(days: number | null): Inline[];
  optOutHeading: string;
  optOut: Inline[];
  widgetPlaceHere: Inline[];
  legalBasisNote: Inline[];
  legalBasis: Inline[];
}

const code = (name: string): Inline => ({ code: name });

/** `a`, `a and b`, `a, b and c`: names as code, joined the way the language lists them. */
function listOf(names: string[], and: string): Inline[] {
  const parts: Inline[] = [];
  names.forEach((name, i) => {
    if (i > 0) parts.push(i === names.length - 1 ? ` ${and} ` : ', ');
    parts.push(code(name));
  });
  return parts;
}

/** The page address's parameters that are kept: UTM tags, and `ref` and `source`, which name the source when there is no `utm_source`. */
const CAMPAIGN_TAGS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'ref', 'source'];

const EN: Phrases = {
  title: 'Visitor statistics',
  intro: (domain, operator) =>
    operator === null
      ? [`We count visits to ${domain} with Teller, a web analytics program that is run independently, not by an analytics company.`]
      : [`We count visits to ${domain} with Teller, a web analytics program that runs on a server operated by ${operator}.`],
  noThirdParty: [
    'The statistics are used only to understand how the website is used. They are not shared with, sold to or used by any third party, and no advertising or tracking service receives them.',
  ],
  noOperatorNote: (domain) => [
    { strong: 'For the site owner (remove before publishing):' },
    ' the text does not name who runs the statistics server. Set it with ',
    code(`npm run teller -- site set ${domain} --operator "Name of the operator"`),
    ' and generate the text again.',
  ],
  noCookies: [
    'Teller sets no cookies and stores nothing in your browser. The one exception is the opt-out flag described below, which is stored only if you choose to set it.',
  ],
  recordedHeading: 'What is recorded',
  recordedLead: ['When you open a page, the following is recorded about the visit:'],
  page: [
    "the page's address without its query string: its path, and on websites that show their pages after a ",
    code('#'),
    ' (as in ',
    code('/#/cart'),
    ') the path written there; and the time of the visit;',
  ],
  referrer: ['the address of the page that linked here (the referrer): its host and path, without the query string;'],
  campaignTags: ['campaign tags in the link you followed (', ...listOf(CAMPAIGN_TAGS, 'and'), ');'],
  searchWords: (params) =>
    params.length === 0
      ? [
          "search words where they are available: the words in the search engine's address when the referrer carries them, and the ",
          code('utm_term'),
          ' tag (searches on this website are not recorded);',
        ]
      : [
          "search words where they are available: the words in the search engine's address when the referrer carries them, the ",
          code('utm_term'),
          ` tag, and searches on this website, read from the ${params.length === 1 ? 'parameter' : 'parameters'} `,
          ...listOf(params, 'and'),
          ' of the page address;',
        ],
  location: (precision) => [
    {
      country: 'the country',
      region: 'the country and region (such as a county or state)',
      city: 'the country, region (such as a county or state) and city',
    }[precision],
    ', looked up from your IP address while the request is handled;',
  ],
  client: [
    "the browser and its version, the operating system and its version, and the type of device (desktop, laptop, tablet or mobile), worked out from the browser's User-Agent header and the screen width;",
  ],
  truncatedIp: [
    'your IP address, shortened before it is stored: the last part is removed (IPv4 addresses to /24, IPv6 addresses to /48), so it points to a network shared by many devices, not to yours;',
  ],
  customEvents: (keys) =>
    keys.length === 0
      ? ['actions this website counts as events, such as a sign-up or a download;']
      : ['actions this website counts as events, such as a sign-up or a download, with these details: ', ...listOf(keys, 'and'), ';'],
  unconfirmedPropsNote: (count, domain) => [
    { strong: 'For the site owner (remove before publishing):' },
    ` ${count === 1 ? 'one property name' : `${count} property names`} received with events ${count === 1 ? 'is' : 'are'} not named above, because anyone can send an event with any name. Confirm the names your website sends in the site's settings (Privacy policy), or with `,
    code(`npm run teller -- site set ${domain} --privacy-prop <name>`),
    ', repeating the option for each name, and generate the text again.',
  ],
  visitorKey: [
    "a visitor key: a number computed from your IP address, your browser's User-Agent header, the website and a random key of the day (see below).",
  ],
  notRecordedHeading: 'What is not recorded',
  fullIp: ['your full IP address;'],
  noIpStored: [
    'your IP address: it is used only in memory while the request is handled, to look up where you are (as described above) and compute the visitor key, and it is never stored;',
  ],
  userAgent: ['the User-Agent header itself;'],
  restOfAddresses: [
    'the rest of the page and referrer addresses, and of addresses in event details: the query string (after ',
    code('?'),
    '), what follows a ',
    code('#'),
    ' beyond the page path named above, and parameters after ',
    code(';'),
    ' are dropped, except the campaign tags and search words named above;',
  ],
  noIdentity: ['your name, e-mail address, account or anything else that says who you are, and nothing that follows you from one website to another.'],
  dailyKeyHeading: 'Unique visitors without cookies',
  dailyKey: [
    "To count unique visitors without a cookie, Teller computes the visitor key from your IP address, your browser's User-Agent header, the website's domain and a random key made for each day. Because that key changes every day, a visitor cannot be followed from one day to the next; and because it is deleted after at most two days, no one, not even we, can compute a visitor key again from an IP address.",
  ],
  dntGpc: ['If your browser sends Do Not Track or Global Privacy Control, your visit is not recorded at all.'],
  retentionHeading: 'How long the data is kept',
  retention: (days) => [
    days === null
      ? 'The records of single visits and events are kept until they are deleted; no automatic time limit is set.'
      : `The records of single visits and events are deleted after ${days} ${days === 1 ? 'day' : 'days'}.`,
    ' Totals, such as the number of visitors per day, per page or per country, are kept; they contain no IP address and no visitor key.',
  ],
  optOutHeading: 'How to opt out',
  optOut: [
    "You can stop your visits from being counted in this browser with the checkbox below. Unticking it stores an opt-out flag in your browser's local storage for this website; ticking it again removes the flag. The flag applies to this website's address only, until you clear the website's data. Turning on Do Not Track or Global Privacy Control in your browser has the same effect.",
  ],
  widgetPlaceHere: [{ strong: 'For the site owner (remove before publishing):' }, ' place the opt-out widget here:'],
  legalBasisNote: [
    { strong: 'For the site owner (remove before publishing):' },
    ' the next paragraph is a suggestion for you to review, or have reviewed, before publishing. It is not legal advice.',
  ],
  legalBasis: [
    'Legal basis: we process these data on the basis of our legitimate interest in knowing how our website is used (GDPR Article 6(1)(f)).',
  ],
};

const NB: Phrases = {
  title: 'Besøksstatistikk',
  intro: (domain, operator) =>
    operator === null
      ? [`Vi teller besøk på ${domain} med Teller, et program for nettstatistikk som driftes selvstendig, ikke av et analyseselskap.`]
      : [`Vi teller besøk på ${domain} med Teller, et program for nettstatistikk som kjører på en server driftet av ${operator}.`],
  noThirdParty: [
    'Statistikken brukes bare til å forstå hvordan nettstedet blir brukt. Den deles ikke med, selges ikke til og brukes ikke av noen tredjepart, og ingen reklame- eller sporingstjeneste får den.',
  ],
  noOperatorNote: (domain) => [
    { strong: 'Til nettstedseieren (fjern før publisering):' },
    ' teksten sier ikke hvem som drifter statistikkserveren. Legg det inn med ',
    code(`npm run teller -- site set ${domain} --operator "Navn på driftsansvarlig"`),
    ' og lag teksten på nytt.',
  ],
  noCookies: [
    'Teller bruker ingen informasjonskapsler (cookies) og lagrer ingenting i nettleseren din. Det eneste unntaket er reservasjonsflagget som er beskrevet nedenfor, og det lagres bare hvis du selv velger det.',
  ],
  recordedHeading: 'Dette registreres',
  recordedLead: ['Når du åpner en side, registreres dette om besøket:'],
  page: [
    'adressen til siden uten spørrestrengen: stien, og på nettsteder som viser sidene sine etter et ',
    code('#'),
    ' (som i ',
    code('/#/handlekurv'),
    ') stien som står der; og tidspunktet for besøket;',
  ],
  referrer: ['adressen til siden som lenket hit (henviseren): vertsnavn og sti, uten spørrestrengen;'],
  campaignTags: ['kampanjemerker i lenken du fulgte (', ...listOf(CAMPAIGN_TAGS, 'og'), ');'],
  searchWords: (params) =>
    params.length === 0
      ? ['søkeord der de finnes: søkeordene i søkemotorens adresse når henviseren har dem med, og merket ', code('utm_term'), ' (søk på dette nettstedet registreres ikke);']
      : [
          'søkeord der de finnes: søkeordene i søkemotorens adresse når henviseren har dem med, merket ',
          code('utm_term'),
          ` og søk på dette nettstedet, hentet fra ${params.length === 1 ? 'parameteren' : 'parameterne'} `,
          ...listOf(params, 'og'),
          ' i sideadressen;',
        ],
  location: (precision) => [
    { country: 'landet', region: 'landet og regionen (for eksempel fylke eller delstat)', city: 'landet, regionen (for eksempel fylke eller delstat) og byen' }[precision],
    ', som slås opp fra IP-adressen din mens forespørselen behandles;',
  ],
  client: [
    'nettleseren og versjonen av den, operativsystemet og versjonen av det, og enhetstypen (stasjonær, bærbar, nettbrett eller mobil), utledet fra nettleserens User-Agent-felt og skjermbredden;',
  ],
  truncatedIp: [
    'IP-adressen din, forkortet før den lagres: siste del fjernes (IPv4-adresser til /24, IPv6-adresser til /48), slik at den peker på et nett som deles av mange enheter, og ikke på din;',
  ],
  customEvents: (keys) =>
    keys.length === 0
      ? ['handlinger som dette nettstedet teller som hendelser, for eksempel en påmelding eller en nedlasting;']
      : ['handlinger som dette nettstedet teller som hendelser, for eksempel en påmelding eller en nedlasting, med disse opplysningene: ', ...listOf(keys, 'og'), ';'],
  unconfirmedPropsNote: (count, domain) => [
    { strong: 'Til nettstedseieren (fjern før publisering):' },
    ` ${count === 1 ? 'ett egenskapsnavn' : `${count} egenskapsnavn`} som er mottatt med hendelser, er ikke nevnt ovenfor, fordi hvem som helst kan sende en hendelse med et hvilket som helst navn. Bekreft navnene nettstedet ditt sender, i innstillingene for nettstedet (Personvernerklæring) eller med `,
    code(`npm run teller -- site set ${domain} --privacy-prop <navn>`),
    ', med valget gjentatt for hvert navn, og lag teksten på nytt.',
  ],
  visitorKey: [
    'en besøksnøkkel: et tall som regnes ut fra IP-adressen din, nettleserens User-Agent-felt, nettstedet og en tilfeldig nøkkel for dagen (se nedenfor).',
  ],
  notRecordedHeading: 'Dette registreres ikke',
  fullIp: ['den fullstendige IP-adressen din;'],
  noIpStored: [
    'IP-adressen din: den brukes bare i minnet mens forespørselen behandles, for å finne ut hvor du er (som beskrevet over) og regne ut besøksnøkkelen, og den lagres aldri;',
  ],
  userAgent: ['selve User-Agent-feltet;'],
  restOfAddresses: [
    'resten av side- og henviseradressene og av adresser i hendelsesopplysninger: spørrestrengen (etter ',
    code('?'),
    '), det som følger etter et ',
    code('#'),
    ' utover sidestien nevnt ovenfor, og parametere etter ',
    code(';'),
    ' fjernes, bortsett fra kampanjemerkene og søkeordene nevnt ovenfor;',
  ],
  noIdentity: ['navnet ditt, e-postadressen din, en konto eller noe annet som sier hvem du er, og ingenting som følger deg fra ett nettsted til et annet.'],
  dailyKeyHeading: 'Unike besøkende uten informasjonskapsler',
  dailyKey: [
    'For å telle unike besøkende uten informasjonskapsel regner Teller ut besøksnøkkelen fra IP-adressen din, nettleserens User-Agent-felt, nettstedets domene og en tilfeldig nøkkel som lages for hver dag. Fordi den nøkkelen byttes hver dag, kan en besøkende ikke følges fra én dag til den neste, og fordi den slettes etter høyst to døgn, kan ingen, heller ikke vi, regne ut en besøksnøkkel på nytt fra en IP-adresse.',
  ],
  dntGpc: ['Sender nettleseren din Do Not Track eller Global Privacy Control, registreres ikke besøket ditt i det hele tatt.'],
  retentionHeading: 'Hvor lenge dataene lagres',
  retention: (days) => [
    days === null
      ? 'Opplysningene om enkeltbesøk og enkelthendelser lagres til de slettes; det er ikke satt noen automatisk tidsgrense.'
      : `Opplysningene om enkeltbesøk og enkelthendelser slettes etter ${days} ${days === 1 ? 'dag' : 'dager'}.`,
    ' Samletall, for eksempel antall besøkende per dag, per side eller per land, beholdes; de inneholder verken IP-adresser eller besøksnøkler.',
  ],
  optOutHeading: 'Slik reserverer du deg',
  optOut: [
    'Med avkrysningsboksen nedenfor kan du hindre at besøkene dine telles i denne nettleseren. Fjerner du krysset, lagres et reservasjonsflagg i nettleserens lokale lagring for dette nettstedet; krysser du av igjen, fjernes flagget. Flagget gjelder bare for denne nettstedsadressen, og bare til du sletter nettstedets data. Å slå på Do Not Track eller Global Privacy Control i nettleseren har samme virkning.',
  ],
  widgetPlaceHere: [{ strong: 'Til nettstedseieren (fjern før publisering):' }, ' sett inn reservasjonsboksen her:'],
  legalBasisNote: [
    { strong: 'Til nettstedseieren (fjern før publisering):' },
    ' neste avsnitt er et forslag som du bør gå gjennom, eller få vurdert, før du publiserer det. Det er ikke juridisk rådgivning.',
  ],
  legalBasis: [
    'Behandlingsgrunnlag: Vi behandler disse opplysningene på grunnlag av vår berettigede interesse i å vite hvordan nettstedet vårt brukes (personvernforordningen artikkel 6 nr. 1 bokstav f).',
  ],
};

export const PHRASES: Record<Lang, Phrases> = { en: EN, nb: NB };
