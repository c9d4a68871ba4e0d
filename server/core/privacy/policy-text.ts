/**
 * The analytics paragraph of a site's privacy policy, written from what the site is
 * configured to collect now. Which statements appear is decided here, once for every
 * language and format; each statement is backed by a setting or by what Teller always does.
 * @module
 */
import { renderDocument, type Block, type Format } from './document.ts';
import type { PrivacyFacts } from './facts.ts';
import { PHRASES, type Lang } from './phrases.ts';

function widgetHtml(facts: PrivacyFacts, lang: Lang): string {
  return `<div id="teller-optout" data-lang="${lang}"></div>\n<script defer src="${facts.tellerOrigin}/optout.js"></script>`;
}

/** The privacy text as a structured document. */
export function privacyDocument(facts: PrivacyFacts, lang: Lang): Block[] {
  const t = PHRASES[lang];
  const ipStored = facts.ipStorage === 'truncated';
  const recorded = [
    t.page,
    t.referrer,
    t.campaignTags,
    t.searchWords(facts.searchParams),
    t.location(facts.locationPrecision),
    t.client,
    ...(ipStored ? [t.truncatedIp] : []),
    ...(facts.customEvents ? [t.customEvents(facts.propKeys)] : []),
    t.visitorKey,
  ];
  const notRecorded = [ipStored ? t.fullIp : t.noIpStored, t.userAgent, t.restOfAddresses, t.noIdentity];
  return [
    { kind: 'heading', level: 2, text: t.title },
    ...(facts.operator === null ? [{ kind: 'ownerNote' as const, parts: t.noOperatorNote(facts.domain) }] : []),
    { kind: 'paragraph', parts: [...t.intro(facts.domain, facts.operator), ' ', ...t.noThirdParty] },
    { kind: 'paragraph', parts: t.noCookies },
    { kind: 'heading', level: 3, text: t.recordedHeading },
    { kind: 'paragraph', parts: t.recordedLead },
    { kind: 'list', items: recorded },
    ...(facts.unconfirmedPropKeys > 0 ? [{ kind: 'ownerNote' as const, parts: t.unconfirmedPropsNote(facts.unconfirmedPropKeys, facts.domain) }] : []),
    { kind: 'heading', level: 3, text: t.notRecordedHeading },
    { kind: 'list', items: notRecorded },
    { kind: 'heading', level: 3, text: t.dailyKeyHeading },
    { kind: 'paragraph', parts: t.dailyKey },
    { kind: 'paragraph', parts: t.dntGpc },
    { kind: 'heading', level: 3, text: t.retentionHeading },
    { kind: 'paragraph', parts: t.retention(facts.retentionDays) },
    { kind: 'heading', level: 3, text: t.optOutHeading },
    { kind: 'paragraph', parts: t.optOut },
    { kind: 'widget', html: widgetHtml(facts, lang), placeHere: t.widgetPlaceHere },
    { kind: 'ownerNote', parts: t.legalBasisNote },
    { kind: 'paragraph', parts: t.legalBasis },
  ];
}

export function privacyText(facts: PrivacyFacts, lang: Lang, format: Format): string {
  return renderDocument(privacyDocument(facts, lang), format);
}
