/**
 * Teller's tables of known referrer sources: which hosts belong to which search engine,
 * AI assistant, social network, video site, shop or e-mail provider, and which query
 * parameter a search engine puts its search words in. Written from facts about the
 * services themselves; `referrer.ts` turns them into lookup maps once, at module load.
 *
 * Names follow Plausible's spelling where it has one, so that Stats API filters such as
 * `visit:source is "Google"` mean the same on both.
 * @module
 */

export interface KnownSource {
  /** The name reported as `visit:source`. */
  name: string;
  /**
   * Hosts, lower-case, without `www.`. A host also covers its subdomains (`facebook.com`
   * covers `l.facebook.com`), a more specific host in any table wins (`mail.google.com`
   * is Gmail), and `brand.*` stands for the brand under any country domain:
   * `google.de`, `google.co.uk`, `google.com.br`.
   */
  hosts: readonly string[];
  /**
   * For `brand.*` hosts only: the subdomains that belong to this source ('' is the bare
   * domain). Other subdomains are other services of the brand (`support.google.com`).
   */
  subdomains?: readonly string[];
  /** Query parameters that carry the search words, most specific first. */
  queryParams?: readonly string[];
  /** Other spellings used in `utm_source` (lower-case), e.g. `fb` for Facebook. */
  aliases?: readonly string[];
  /** `utm_source` spellings that mark a paid campaign whatever `utm_medium` says. */
  paidAliases?: readonly string[];
  /** Android package names, seen in `android-app://` referrers from native apps. */
  apps?: readonly string[];
}

/** Search engines. Browsers send most of them as a bare origin, so words are rare. */
export const SEARCH_ENGINES: readonly KnownSource[] = [
  {
    name: 'Google',
    hosts: ['google.*'],
    // Search lives on the bare domain and these; accounts, support, docs, maps... do not.
    subdomains: ['', 'www', 'm', 'images', 'news', 'scholar', 'books', 'video', 'videos', 'encrypted'],
    queryParams: ['q'],
    paidAliases: ['adwords', 'google-ads', 'google_ads', 'googleads', 'google ads', 'gads'],
    apps: ['com.google.android.googlequicksearchbox'],
  },
  { name: 'Bing', hosts: ['bing.com'], queryParams: ['q'] },
  { name: 'Yahoo!', hosts: ['search.yahoo.com'], queryParams: ['p', 'q'], aliases: ['yahoo'] },
  { name: 'Yahoo! JAPAN', hosts: ['search.yahoo.co.jp'], queryParams: ['p'] },
  { name: 'DuckDuckGo', hosts: ['duckduckgo.com'], queryParams: ['q'] },
  {
    name: 'Yandex',
    hosts: ['yandex.*', 'ya.ru'],
    // clck is Yandex's result click-through redirect.
    subdomains: ['', 'www', 'm', 'images', 'clck'],
    queryParams: ['text'],
  },
  { name: 'Baidu', hosts: ['baidu.com'], queryParams: ['wd', 'word'] },
  { name: 'Ecosia', hosts: ['ecosia.org'], queryParams: ['q'] },
  { name: 'Naver', hosts: ['search.naver.com'], queryParams: ['query'] },
  { name: 'Daum', hosts: ['search.daum.net'], queryParams: ['q'] },
  { name: 'Seznam', hosts: ['search.seznam.cz'], queryParams: ['q'] },
  { name: 'Qwant', hosts: ['qwant.com'], queryParams: ['q'] },
  // ixquick.com was Startpage's earlier name and now redirects to it.
  { name: 'Startpage', hosts: ['startpage.com', 'ixquick.com'], queryParams: ['query', 'q'] },
  { name: 'Brave', hosts: ['search.brave.com'], queryParams: ['q'] },
  { name: 'Kagi', hosts: ['kagi.com'], queryParams: ['q'] },
  { name: 'Mojeek', hosts: ['mojeek.com'], queryParams: ['q'] },
  { name: 'Sogou', hosts: ['sogou.com'], queryParams: ['query', 'keyword'] },
  { name: '360 Search', hosts: ['so.com'], queryParams: ['q'] },
  {
    name: 'AOL',
    hosts: ['search.aol.com', 'aolsearch.aol.com', 'aolsearch.com', 'search.aol.co.uk', 'aolsearch.aol.co.uk', 'suche.aol.de', 'recherche.aol.fr'],
    queryParams: ['q', 'query'],
  },
  // search-results.com is Ask's results domain; its toolbar sends the words as `searchfor`.
  { name: 'Ask', hosts: ['ask.com', 'search-results.com'], queryParams: ['q', 'searchfor'] },
  { name: 'Swisscows', hosts: ['swisscows.com'], queryParams: ['query'] },
  { name: 'MetaGer', hosts: ['metager.org', 'metager.de'], queryParams: ['eingabe'] },
  { name: 'Petal Search', hosts: ['petalsearch.com'], queryParams: ['query'] },
  { name: 'Coc Coc', hosts: ['coccoc.com'], queryParams: ['query', 'q'] },
  { name: 'Mail.ru', hosts: ['go.mail.ru'], queryParams: ['q'] },
  { name: 'Rambler', hosts: ['nova.rambler.ru'], queryParams: ['query'] },
  { name: 'Lilo', hosts: ['search.lilo.org'], queryParams: ['q'] },
  { name: 'Presearch', hosts: ['presearch.com'], queryParams: ['q'] },
  { name: 'Dogpile', hosts: ['dogpile.com'], queryParams: ['q'] },
  // The German mail portals' own search pages; their webmail is in EMAIL_PROVIDERS.
  { name: 'Web.de', hosts: ['suche.web.de'], queryParams: ['q'] },
  { name: 'GMX', hosts: ['suche.gmx.net', 'suche.gmx.de', 'suche.gmx.at', 'suche.gmx.ch'], queryParams: ['q'] },
  { name: '1und1', hosts: ['suche.1und1.de'], queryParams: ['q'] },
];

/** Chat assistants that link to their sources; Teller gives them a channel of their own. */
export const AI_ASSISTANTS: readonly KnownSource[] = [
  // ChatGPT also appends utm_source=chatgpt.com to the links it cites.
  { name: 'ChatGPT', hosts: ['chatgpt.com', 'chat.openai.com'], aliases: ['chatgpt'], apps: ['com.openai.chatgpt'] },
  { name: 'Perplexity', hosts: ['perplexity.ai'], aliases: ['perplexity'], apps: ['ai.perplexity.app.android'] },
  // Bard was Gemini's earlier name.
  { name: 'Gemini', hosts: ['gemini.google.com', 'bard.google.com'], aliases: ['gemini', 'google gemini'] },
  { name: 'Copilot', hosts: ['copilot.microsoft.com', 'copilot.cloud.microsoft'], aliases: ['copilot', 'microsoft copilot'] },
  { name: 'Claude', hosts: ['claude.ai'], aliases: ['claude'] },
  { name: 'You.com', hosts: ['you.com'] },
  { name: 'Phind', hosts: ['phind.com'], aliases: ['phind'] },
  { name: 'DeepSeek', hosts: ['chat.deepseek.com'], aliases: ['deepseek'] },
  { name: 'Meta AI', hosts: ['meta.ai'] },
  { name: 'Grok', hosts: ['grok.com'], aliases: ['grok'] },
  { name: 'Mistral', hosts: ['chat.mistral.ai'] },
  { name: 'Poe', hosts: ['poe.com'] },
  { name: 'Character.AI', hosts: ['character.ai'] },
  { name: 'Kimi', hosts: ['kimi.com', 'kimi.moonshot.cn'] },
  { name: 'Qwen', hosts: ['chat.qwen.ai'] },
  { name: 'Doubao', hosts: ['doubao.com'] },
];

/**
 * Social networks and messengers. Plausible counts developer communities (Hacker News,
 * GitHub, Product Hunt) and team chats (Slack, Teams, Discord) as social, and so does Teller.
 */
export const SOCIAL_NETWORKS: readonly KnownSource[] = [
  {
    name: 'Facebook',
    // l., lm. and m.facebook.com are its link shims; fb.watch is its video short link.
    hosts: ['facebook.com', 'fb.com', 'fb.me', 'fb.watch'],
    aliases: ['fb', 'fcb'],
    paidAliases: ['fb-ads', 'fbads', 'fbad', 'facebook-ads', 'facebook_ads', 'facebook_ad', 'facebook_feed_ad'],
    apps: ['com.facebook.katana', 'com.facebook.lite'],
  },
  { name: 'Messenger', hosts: ['messenger.com'], apps: ['com.facebook.orca'] },
  { name: 'Instagram', hosts: ['instagram.com'], aliases: ['ig'], apps: ['com.instagram.android'] },
  {
    name: 'Twitter',
    // t.co is its link shortener: every link posted on X passes through it.
    hosts: ['twitter.com', 'x.com', 't.co'],
    aliases: ['x', 'tw', 'x (twitter)'],
    paidAliases: ['twitter-ads'],
    apps: ['com.twitter.android'],
  },
  { name: 'LinkedIn', hosts: ['linkedin.com', 'lnkd.in'], aliases: ['li'], apps: ['com.linkedin.android'] },
  { name: 'Reddit', hosts: ['reddit.com', 'redd.it'], paidAliases: ['reddit-ads'], apps: ['com.reddit.frontpage'] },
  { name: 'Pinterest', hosts: ['pinterest.*', 'pin.it'], apps: ['com.pinterest'] },
  {
    name: 'TikTok',
    hosts: ['tiktok.com'],
    aliases: ['tik.tok'],
    paidAliases: ['tiktokads'],
    apps: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'],
  },
  { name: 'Hacker News', hosts: ['news.ycombinator.com'] },
  { name: 'VKontakte', hosts: ['vk.com', 'vk.ru', 'vkontakte.ru'], aliases: ['vk'], apps: ['com.vkontakte.android'] },
  { name: 'Odnoklassniki', hosts: ['ok.ru', 'odnoklassniki.ru'] },
  { name: 'Threads', hosts: ['threads.net', 'threads.com'], apps: ['com.instagram.barcelona'] },
  { name: 'Bluesky', hosts: ['bsky.app'], aliases: ['bsky'], apps: ['xyz.blueskyweb.app'] },
  { name: 'Mastodon', hosts: ['mastodon.social', 'mastodon.online'] },
  { name: 'Telegram', hosts: ['t.me', 'telegram.me', 'telegram.org'], apps: ['org.telegram.messenger'] },
  { name: 'WhatsApp', hosts: ['whatsapp.com', 'wa.me'], apps: ['com.whatsapp'] },
  { name: 'Discord', hosts: ['discord.com', 'discordapp.com', 'discord.gg'], apps: ['com.discord'] },
  { name: 'Snapchat', hosts: ['snapchat.com'], apps: ['com.snapchat.android'] },
  { name: 'Quora', hosts: ['quora.com'], apps: ['com.quora.android'] },
  { name: 'Tumblr', hosts: ['tumblr.com'], apps: ['com.tumblr'] },
  { name: 'Weibo', hosts: ['weibo.com', 'weibo.cn'] },
  { name: 'LINE', hosts: ['line.me'], apps: ['jp.naver.line.android'] },
  { name: 'XING', hosts: ['xing.com'] },
  { name: 'Flipboard', hosts: ['flipboard.com'] },
  { name: 'Workplace', hosts: ['workplace.com'] },
  // Android package ids are compared lower-case: Slack's is com.Slack.
  { name: 'Slack', hosts: ['slack.com'], apps: ['com.slack'] },
  // The Teams desktop and web apps open links from a CDN page on office.net.
  { name: 'Microsoft Teams', hosts: ['teams.microsoft.com', 'teams.live.com', 'statics.teams.cdn.office.net'], apps: ['com.microsoft.teams'] },
  { name: 'GitHub', hosts: ['github.com'] },
  // Product Hunt tags its outgoing links with ?ref=producthunt.
  { name: 'Product Hunt', hosts: ['producthunt.com'], aliases: ['producthunt'] },
  { name: 'Steam Community', hosts: ['steamcommunity.com'] },
  // Link-in-bio pages: the visitor came from a social profile.
  { name: 'Linktree', hosts: ['linktr.ee'], aliases: ['linktree'] },
  { name: 'Lnk.Bio', hosts: ['lnk.bio'] },
];

/** Video platforms: their own channel ('Organic Video'), as in Plausible and GA4. */
export const VIDEO_SITES: readonly KnownSource[] = [
  {
    name: 'YouTube',
    hosts: ['youtube.com', 'youtu.be', 'youtube-nocookie.com'],
    aliases: ['yt'],
    paidAliases: ['yt-ads'],
    apps: ['com.google.android.youtube'],
  },
  { name: 'Vimeo', hosts: ['vimeo.com'] },
  { name: 'Twitch', hosts: ['twitch.tv'] },
  { name: 'Dailymotion', hosts: ['dailymotion.com'] },
];

/** Shops and price comparison sites ('Organic Shopping'). */
export const SHOPPING_SITES: readonly KnownSource[] = [
  { name: 'Amazon', hosts: ['amazon.*'] },
  { name: 'eBay', hosts: ['ebay.*'] },
  { name: 'Etsy', hosts: ['etsy.com'] },
  { name: 'AliExpress', hosts: ['aliexpress.com', 'aliexpress.ru'] },
  { name: 'Temu', hosts: ['temu.com'] },
  { name: 'Walmart', hosts: ['walmart.com'] },
  { name: 'PriceRunner', hosts: ['pricerunner.*'] },
  { name: 'Prisjakt', hosts: ['prisjakt.no', 'prisjakt.nu'] },
];

/**
 * Webmail. Several German and Swiss providers open links through a "dereferrer" host
 * (deref-gmx.net, deref-web.de) so that the message URL never leaks; those count too.
 */
export const EMAIL_PROVIDERS: readonly KnownSource[] = [
  { name: 'Gmail', hosts: ['mail.google.com', 'gmail.com'], aliases: ['gmail'], apps: ['com.google.android.gm'] },
  {
    name: 'Outlook.com',
    hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.cloud.microsoft', 'outlook.com', 'mail.live.com'],
    aliases: ['outlook'],
    apps: ['com.microsoft.office.outlook'],
  },
  {
    name: 'Yahoo! Mail',
    hosts: ['mail.yahoo.com', 'mail.yahoo.net', 'mail.yahoo.co.jp'],
    apps: ['com.yahoo.mobile.client.android.mail'],
  },
  { name: 'Proton', hosts: ['mail.proton.me', 'mail.protonmail.com'], apps: ['ch.protonmail.android'] },
  { name: 'AOL Mail', hosts: ['mail.aol.com'] },
  { name: 'Zoho Mail', hosts: ['mail.zoho.com', 'mail.zoho.eu', 'mail.zoho.in'] },
  { name: 'Fastmail', hosts: ['fastmail.com'] },
  { name: 'Tuta', hosts: ['app.tuta.com', 'mail.tutanota.com'] },
  { name: 'Yandex Mail', hosts: ['mail.yandex.ru', 'mail.yandex.com'] },
  { name: 'Mail.ru', hosts: ['e.mail.ru', 'touch.mail.ru'] },
  { name: 'Seznam Mail', hosts: ['email.seznam.cz'] },
  { name: 'Naver Mail', hosts: ['mail.naver.com'] },
  { name: 'QQ Mail', hosts: ['mail.qq.com'] },
  { name: '163 Mail', hosts: ['mail.163.com'] },
  { name: 'GMX', hosts: ['gmx.*', 'deref-gmx.*'] },
  { name: 'Web.de', hosts: ['web.de', 'deref-web.de'] },
  { name: 'Mail.com', hosts: ['mail.com', 'deref-mail.com'] },
  { name: '1und1', hosts: ['deref-1und1.de', 'deref-1und1-02.de'] },
  { name: 'Ionos', hosts: ['ionos.*'], subdomains: ['email', 'mailbusiness'] },
  { name: 'T-online', hosts: ['email.t-online.de'] },
  { name: 'Freenet', hosts: ['webmail.freenet.de'] },
  { name: 'Orange Webmail', hosts: ['messagerie.orange.fr', 'messageriepro3.orange.fr', 'wmail.orange.fr', 'mail01.orange.fr', 'mail02.orange.fr', 'webmail1m.orange.fr'] },
  { name: 'Bluewin', hosts: ['email.bluewin.ch', 'rich-v01.bluewin.ch', 'rich-v02.bluewin.ch'] },
  { name: 'Infomaniak', hosts: ['mail.infomaniak.com'] },
  { name: 'UPC', hosts: ['upcmail.hispeed.ch'] },
  { name: 'Vodafone', hosts: ['mail.vodafone.de'] },
  { name: 'TIM', hosts: ['webmail.tim.it'] },
  // Mailchimp's hosted copies of sent newsletters.
  { name: 'Mailchimp', hosts: ['mailchi.mp', 'campaign-archive.com'] },
];

/** Google's ads on partners' search result pages: a click on one is a paid search. */
export const SEARCH_AD_NETWORKS: readonly KnownSource[] = [
  { name: 'Google', hosts: ['adsensecustomsearchads.com', 'syndicatedsearch.goog'] },
];

/** Frames that serve Google's display ads on other sites: a click on one is 'Display'. */
export const DISPLAY_AD_NETWORKS: readonly KnownSource[] = [
  { name: 'Google', hosts: ['doubleclick.net', 'googlesyndication.com'] },
];
