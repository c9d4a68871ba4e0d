/**
 * Whether a request comes from a program rather than a person: crawlers, headless browsers,
 * link-preview fetchers and speculative loads. Pure and runtime-independent.
 * @module
 */
import { isbot } from 'isbot';
import { MAX_UA_LENGTH } from './user-agent.ts';

export type BotReason = 'no-user-agent' | 'preview' | 'headless' | 'bot' | 'prefetch';

/**
 * Services that fetch a page to draw a link card in a chat or feed. Named apart from `isbot`
 * (which knows most of them) so the drop reason says what they are. Only the fetchers' own
 * tokens: the in-app browsers of the same companies (FBAN, Instagram, [LinkedInApp],
 * Telegram-Android...) are people.
 */
const PREVIEW_FETCHERS = new RegExp(
  [
    'facebookexternalhit', 'Facebot', 'Slackbot', 'Slack-ImgProxy', 'Twitterbot', 'WhatsApp/', 'TelegramBot',
    'Discordbot', 'SkypeUriPreview', 'LinkedInBot', 'Embedly', 'Iframely', 'Google-PageRenderer', 'redditbot',
    'Pinterestbot', 'Pinterest/0.', 'vkShare', 'Snap URL Preview', 'Mastodon/', 'Bluesky Cardyb', 'Yahoo Link Preview',
    'BingPreview', 'MicrosoftPreview',
  ].map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  'i',
);

/**
 * Browsers driven by programs. Electron is deliberately absent: desktop apps (Slack, Teams,
 * Discord, Notion) embed it to show pages to people, and Electron crawlers send the same UA.
 */
const HEADLESS = /Headless|PhantomJS|SlimerJS|Lighthouse|Puppeteer|Playwright|Selenium/i;

/**
 * Headers that mark a speculative load: Sec-Purpose (speculation rules, `<link rel=prefetch>`
 * in Firefox), Chrome's legacy Purpose, Safari's X-Purpose: preview (Top Sites thumbnails),
 * Firefox's old X-Moz. `prefetch;prerender` is dropped too: Chrome sends it only while the
 * page is still prerendering, before anyone has seen it; once the page is shown its requests
 * carry no such header, so a tracker that waits for activation is counted exactly once.
 */
export const PURPOSE_HEADERS = ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'] as const;
const SPECULATIVE = /\b(?:prefetch|preview)\b/i;

function isSpeculative(headers: { get(name: string): string | null | undefined }): boolean {
  return PURPOSE_HEADERS.some((name) => SPECULATIVE.test(headers.get(name) ?? ''));
}

function agentReason(ua: string): BotReason | null {
  if (PREVIEW_FETCHERS.test(ua)) return 'preview';
  if (HEADLESS.test(ua)) return 'headless';
  if (isbot(ua)) return 'bot';
  return null;
}

/** isbot's pattern is large and a site sees the same few hundred agents all day: remember verdicts. */
const MAX_VERDICTS = 5000;
const verdicts = new Map<string, BotReason | null>();

function cachedAgentReason(ua: string): BotReason | null {
  // Longer agents are judged but not remembered, so the cache stays bounded in bytes too.
  if (ua.length > MAX_UA_LENGTH) return agentReason(ua);
  let reason = verdicts.get(ua);
  if (reason === undefined) {
    reason = agentReason(ua);
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(ua, reason);
  }
  return reason;
}

/** Reason string when the request comes from a bot, headless browser or link-preview fetcher; null for a person. */
export function botReason(userAgent: string | null | undefined, headers: { get(name: string): string | null | undefined }): BotReason | null {
  const ua = userAgent?.trim();
  if (!ua) return 'no-user-agent';
  return cachedAgentReason(ua) ?? (isSpeculative(headers) ? 'prefetch' : null);
}
