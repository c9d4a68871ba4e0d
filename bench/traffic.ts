/**
 * The ingest benchmark's traffic, as requests for the in-process stage benchmark and as wrk
 * Lua scripts that make the same requests. Two mixes:
 *
 * - `cycled`: 4,000 distinct requests cycled, so after the first pass every event extends a
 *   visit that already exists (the benchmark's mix since the start, kept for comparison);
 * - `realistic`: each event is a new visitor (a fresh address) with probability 0.4, else the
 *   next page of one of the last 10,000 visitors: 2.5 events per visit, as real sites see.
 */

/** Hundreds of distinct, realistic user agents: real templates times real version ranges. */
export function benchUserAgents(): string[] {
  const uas: string[] = [];
  for (let v = 100; v <= 131; v++) {
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`);
    uas.push(`Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`);
    uas.push(`Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`);
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`);
    uas.push(`Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`);
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`);
    uas.push(`Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${v - 87}.0 Chrome/${v}.0.0.0 Mobile Safari/537.36`);
  }
  for (const ios of ['15_8', '16_6', '17_0', '17_1', '17_2', '17_3', '17_4', '17_5', '17_6', '18_0', '18_1', '18_2']) {
    const version = ios.replace('_', '.');
    uas.push(`Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Mobile/15E148 Safari/604.1`);
    uas.push(`Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Mobile/15E148 Safari/604.1`);
    uas.push(`Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Safari/605.1.15`);
  }
  return uas;
}

const REFERRERS = [
  null, null, null, 'https://www.google.com/', 'https://www.google.no/', 'https://www.bing.com/search?q=ullsokker+dame',
  'https://duckduckgo.com/', 'https://l.facebook.com/', 'https://t.co/abc', 'https://news.ycombinator.com/item?id=1',
  'https://chatgpt.com/', 'https://www.ecosia.org/search?q=teller', 'https://blog.example.org/post/42', 'https://search.yahoo.com/search?p=ull',
];

const SITE = 'https://bench.example';
const PAGES = 300;
const WIDTHS = [390, 768, 1280, 1440, 1920];
const UTM = '?utm_source=newsletter&utm_medium=email';

export type TrafficMix = 'cycled' | 'realistic';
export const TRAFFIC_MIXES: readonly TrafficMix[] = ['cycled', 'realistic'];

/** The realistic mix: share of events from a new visitor, and how many recent visitors the others come from. */
export const NEW_VISITOR_SHARE = 0.4;
export const RECENT_VISITORS = 10_000;
/**
 * Share of new visitors whose user agent is one of a kind (in-app browsers and phone models
 * with build numbers: the long tail real logs have), so the parser's cache misses as it would.
 */
export const RARE_AGENT_SHARE = 0.1;
/** Distinct requests of the cycled mix. */
export const CYCLED_REQUESTS = 4000;

export function describeMix(mix: TrafficMix): string {
  return mix === 'cycled'
    ? `${CYCLED_REQUESTS.toLocaleString('en')} distinct requests cycled: after the first pass every event extends an existing visit`
    : `a new visitor (fresh address; one of ${benchUserAgents().length} user agents, or in ${RARE_AGENT_SHARE * 100} % of them a user agent never seen before) on ${NEW_VISITOR_SHARE * 100} % of events, else the next page or a custom event of one of the last ${RECENT_VISITORS.toLocaleString('en')} visitors: ${(1 / NEW_VISITOR_SHARE).toFixed(1)} events per visit`;
}

export interface BenchRequest {
  body: string;
  userAgent: string;
  ip: string;
}

/** The cycled mix: distinct visitors, pages, agents and referrers, one custom event with props in ten. */
export function benchRequests(count: number): BenchRequest[] {
  const uas = benchUserAgents();
  return Array.from({ length: count }, (_, i) => ({
    body: JSON.stringify({
      n: i % 10 === 9 ? 'Signup' : 'pageview',
      u: `${SITE}/page/${(i * 17) % PAGES}${i % 7 === 0 ? UTM : ''}`,
      d: 'bench.example',
      r: REFERRERS[i % REFERRERS.length],
      w: WIDTHS[i % WIDTHS.length],
      ...(i % 10 === 9 ? { p: { plan: ['free', 'pro'][i % 2] } } : {}),
    }),
    userAgent: uas[i % uas.length]!,
    ip: `${[84, 81, 193, 46, 2][i % 5]}.${(i * 7) % 250}.${(i * 13) % 250}.${(i * 31) % 250}`,
  }));
}

/** Public /8 blocks (European ISPs and hosters) the realistic mix's addresses come from. */
const FIRST_OCTETS = [2, 31, 46, 62, 77, 81, 84, 88, 185, 193, 212, 213];

/** The n-th new visitor's address: distinct for every n below 200 million. */
export function visitorIp(n: number): string {
  const rest = Math.floor(n / FIRST_OCTETS.length);
  return `${FIRST_OCTETS[n % FIRST_OCTETS.length]}.${(rest >>> 16) & 255}.${(rest >>> 8) & 255}.${rest & 255}`;
}

/** An in-app browser on a phone model, with a build number of its own: `%d`s are model, app version and visitor number. */
const RARE_AGENT = 'Mozilla/5.0 (Linux; Android 14; SM-A%dB Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/%d.0.0.%d;]';

/** The n-th rare user agent (visitor number n). */
export function rareUserAgent(n: number): string {
  const values = [100 + (n % 900), 400 + (n % 90), n];
  return RARE_AGENT.replace(/%d/g, () => String(values.shift()));
}

/** A small seeded generator (mulberry32), so the in-process mix is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The realistic mix, as `realisticWrkScript` makes it: a new visitor lands from a referrer
 * (UTM tags on one landing in seven); a returning one views the next page, with its previous
 * page as referrer, or sends a custom event with props (one in six of those).
 * `firstVisitor` numbers the new visitors, so separate runs never share one.
 */
export function realisticRequests(count: number, seed = 1, firstVisitor = 0): BenchRequest[] {
  const uas = benchUserAgents();
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const recent: Array<{ ip: string; userAgent: string; width: number; page: string }> = [];
  let visitors = firstVisitor;
  const requests: BenchRequest[] = [];
  for (let i = 0; i < count; i++) {
    const page = `${SITE}/page/${Math.floor(next() * PAGES)}`;
    if (recent.length === 0 || next() < NEW_VISITOR_SHARE) {
      const userAgent = next() < RARE_AGENT_SHARE ? rareUserAgent(visitors) : pick(uas);
      const visitor = { ip: visitorIp(visitors++), userAgent, width: pick(WIDTHS), page };
      recent[(visitors - firstVisitor - 1) % RECENT_VISITORS] = visitor;
      const url = next() < 1 / 7 ? page + UTM : page;
      requests.push({ body: JSON.stringify({ n: 'pageview', u: url, d: 'bench.example', r: pick(REFERRERS), w: visitor.width }), userAgent: visitor.userAgent, ip: visitor.ip });
      continue;
    }
    const visitor = pick(recent);
    const body = next() < 1 / 6
      ? { n: 'Signup', u: visitor.page, d: 'bench.example', r: null, w: visitor.width, p: { plan: pick(['free', 'pro']) } }
      : { n: 'pageview', u: page, d: 'bench.example', r: visitor.page, w: visitor.width };
    if (body.n === 'pageview') visitor.page = page;
    requests.push({ body: JSON.stringify(body), userAgent: visitor.userAgent, ip: visitor.ip });
  }
  return requests;
}

/** Lua's string literal of a JS string (JSON's escapes are valid Lua for these ASCII texts). */
const lua = (s: string): string => JSON.stringify(s);

/** wrk's `done` hook: one RESULT line the benchmark parses, plus the status counts when the script tracks them. */
const WRK_DONE = [
  'done = function(summary, latency, requests)',
  '  local accepted, unavailable = 0, 0',
  '  for _, t in ipairs(threads) do',
  '    accepted = accepted + (t:get("accepted") or 0)',
  '    unavailable = unavailable + (t:get("unavailable") or 0)',
  '  end',
  '  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration, summary.errors.status,',
  '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(99), accepted, unavailable))',
  'end',
];

/** Counts answers by status in each wrk thread (the `response` hook makes wrk parse every answer, so only the soak uses it). */
const WRK_COUNT_STATUSES = [
  'accepted, unavailable = 0, 0',
  'response = function(status, headers, body)',
  '  if status == 202 then accepted = accepted + 1 elseif status == 503 then unavailable = unavailable + 1 end',
  'end',
];

/** wrk's `setup` hook: keeps the threads for `done`, and numbers them (each numbers its visitors apart). */
const WRK_THREADS = ['threads = {}', 'setup = function(thread) thread:set("threadIndex", #threads); table.insert(threads, thread) end'];

function requestLua(method: string, headers: string, body: string): string {
  return `wrk.format(${lua(method)}, "/api/event", ${headers}, ${body})`;
}

/** A wrk Lua script that cycles through the cycled mix's pre-built requests. */
export function cycledWrkScript(): string {
  const lines: string[] = [...WRK_THREADS, 'local reqs = {}'];
  benchRequests(CYCLED_REQUESTS).forEach(({ body, userAgent, ip }, i) => {
    const headers = `{["Host"]="127.0.0.1", ["Content-Type"]="text/plain", ["User-Agent"]=${lua(userAgent)}, ["X-Forwarded-For"]="${ip}"}`;
    lines.push(`reqs[${i + 1}] = ${requestLua('POST', headers, lua(body))}`);
  });
  lines.push('local i = 0', 'request = function()', '  i = i % #reqs + 1', '  return reqs[i]', 'end');
  return [...lines, ...WRK_DONE].join('\n');
}

export interface RealisticScriptOptions {
  /** Numbers this run's new visitors from here (pass a different one to every run against one database). */
  firstVisitor: number;
  /** Requests sent back to back on a connection before waiting for their answers (1: no pipelining). */
  pipeline?: number;
  /** Count 202 and 503 answers (the soak). */
  countStatuses?: boolean;
}

/**
 * A wrk Lua script making the realistic mix on the fly, with the same choices as
 * `realisticRequests` (wrk's random numbers, so not the same sequence). Every wrk thread
 * numbers its visitors apart from the others'.
 */
export function realisticWrkScript(options: RealisticScriptOptions): string {
  const uas = benchUserAgents();
  const referrers = REFERRERS.map((r) => (r === null ? 'null' : JSON.stringify(r)));
  const lines = [
    ...WRK_THREADS,
    `local firstVisitor = ${options.firstVisitor}`,
    `local uas = {${uas.map(lua).join(', ')}}`,
    `local referrers = {${referrers.map(lua).join(', ')}}`,
    `local widths = {${WIDTHS.join(', ')}}`,
    `local octets = {${FIRST_OCTETS.join(', ')}}`,
    `local site, pages, newShare, rareShare, recentMax, utm = ${lua(SITE)}, ${PAGES}, ${NEW_VISITOR_SHARE}, ${RARE_AGENT_SHARE}, ${RECENT_VISITORS}, ${lua(UTM)}`,
    'local recent, recentCount, visitors = {}, 0, 0',
    'local function pick(list) return list[math.random(#list)] end',
    'local function ip(n)',
    '  local rest = math.floor(n / #octets)',
    '  return string.format("%d.%d.%d.%d", octets[n % #octets + 1], math.floor(rest / 65536) % 256, math.floor(rest / 256) % 256, rest % 256)',
    'end',
    'local function rareUa(n)',
    `  return string.format(${lua(RARE_AGENT)}, 100 + n % 900, 400 + n % 90, n)`,
    'end',
    'init = function(args)',
    '  math.randomseed(firstVisitor + 7919 * (threadIndex or 0))',
    // Each thread gets its own range of visitor numbers.
    '  visitors = firstVisitor + (threadIndex or 0) * 100000000',
    'end',
    'local function post(v, body)',
    `  return ${requestLua('POST', '{["Host"]="127.0.0.1", ["Content-Type"]="text/plain", ["User-Agent"]=v.ua, ["X-Forwarded-For"]=v.ip}', 'body')}`,
    'end',
    'local function one()',
    '  local page = site .. "/page/" .. math.random(0, pages - 1)',
    '  if recentCount == 0 or math.random() < newShare then',
    '    local ua = pick(uas)',
    '    if math.random() < rareShare then ua = rareUa(visitors) end',
    '    local v = { ip = ip(visitors), ua = ua, w = pick(widths), page = page }',
    '    visitors = visitors + 1',
    '    recent[recentCount % recentMax + 1] = v',
    '    recentCount = recentCount + 1',
    '    local url = page',
    '    if math.random() < 1 / 7 then url = page .. utm end',
    `    return post(v, '{"n":"pageview","u":"' .. url .. '","d":"bench.example","r":' .. pick(referrers) .. ',"w":' .. v.w .. '}')`,
    '  end',
    '  local v = recent[math.random(math.min(recentCount, recentMax))]',
    '  if math.random() < 1 / 6 then',
    `    local plan = "free"; if math.random() < 0.5 then plan = "pro" end`,
    `    return post(v, '{"n":"Signup","u":"' .. v.page .. '","d":"bench.example","r":null,"w":' .. v.w .. ',"p":{"plan":"' .. plan .. '"}}')`,
    '  end',
    `  local body = '{"n":"pageview","u":"' .. page .. '","d":"bench.example","r":"' .. v.page .. '","w":' .. v.w .. '}'`,
    '  v.page = page',
    '  return post(v, body)',
    'end',
    `local depth = ${options.pipeline ?? 1}`,
    'request = function()',
    '  if depth == 1 then return one() end',
    '  local batch = {}',
    '  for k = 1, depth do batch[k] = one() end',
    '  return table.concat(batch)',
    'end',
  ];
  if (options.countStatuses) lines.push(...WRK_COUNT_STATUSES);
  return [...lines, ...WRK_DONE].join('\n');
}
