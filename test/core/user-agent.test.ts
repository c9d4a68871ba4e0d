import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientHintHeaders, type ClientInfo, createUserAgentParser, parseUserAgent } from '../../server/core/ingest/user-agent.ts';

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeOS: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromePixel: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
  chromeIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  safariIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  // Since iOS 26 Safari freezes the OS at 18_6 and the real version is Safari's.
  safariIPhone26: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
  safariIPad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxFedora: 'Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
  firefoxIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  edgeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
  edgeAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0',
  edgeIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/131.0.2903.68 Mobile/15E148 Safari/605.1.15',
  samsung: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  samsungTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36',
  operaWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  operaAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0',
  yandexWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36',
  yandexAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.2.100 Mobile Safari/537.36',
  vivaldi: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Vivaldi/7.0.3495.18',
  duckDuckGoAndroid: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile DuckDuckGo/5 Safari/537.36',
  ucAndroid: 'Mozilla/5.0 (Linux; U; Android 10; en-US; RMX2030 Build/QKQ1.200209.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.4.0.1306 Mobile Safari/537.36',
  huaweiHarmony: 'Mozilla/5.0 (Linux; Android 10; HarmonyOS; ELS-NX9; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36',
  facebookIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/450.0.0.38.108;FBBV/564431005;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/567032185]',
  facebookAndroid: 'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/490.0.0.53.109;]',
  instagramIPhone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 355.0.0.31.102 (iPhone15,2; iOS 17_4; en_US; en; scale=3.00; 1179x2556; 653855738)',
  instagramAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 Instagram 346.0.0.34.91 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 634108168)',
  androidWebView: 'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36',
  ie11: 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
} as const;

function info(browser: string | null, browserVersion: string | null, os: string | null, osVersion: string | null, device: ClientInfo['device']): ClientInfo {
  return { browser, browserVersion, os, osVersion, device };
}

const DEVICES = new Set<string | null>(['Desktop', 'Laptop', 'Tablet', 'Mobile', null]);

describe('parseUserAgent: real user agents, no hints, no width', () => {
  const cases: ReadonlyArray<readonly [keyof typeof UA, ClientInfo]> = [
    ['chromeWindows', info('Chrome', '131.0', 'Windows', '10', 'Desktop')],
    ['chromeMac', info('Chrome', '131.0', 'Mac', '10.15', 'Desktop')],
    ['chromeLinux', info('Chrome', '131.0', 'GNU/Linux', null, 'Desktop')],
    ['chromeOS', info('Chrome', '131.0', 'Chrome OS', '14541.0', 'Desktop')],
    ['chromeAndroid', info('Chrome', '131.0', 'Android', '10', 'Mobile')],
    ['chromeAndroidTablet', info('Chrome', '131.0', 'Android', '10', 'Tablet')],
    ['chromePixel', info('Chrome', '120.0', 'Android', '14', 'Mobile')],
    ['chromeIPhone', info('Chrome', '131.0', 'iOS', '17.4', 'Mobile')],
    ['safariMac', info('Safari', '17.4', 'Mac', '10.15', 'Desktop')],
    ['safariIPhone', info('Safari', '17.4', 'iOS', '17.4', 'Mobile')],
    ['safariIPhone26', info('Safari', '26.0', 'iOS', '26.0', 'Mobile')],
    ['safariIPad', info('Safari', '17.4', 'iPadOS', '17.4', 'Tablet')],
    ['firefoxWindows', info('Firefox', '133.0', 'Windows', '10', 'Desktop')],
    ['firefoxMac', info('Firefox', '133.0', 'Mac', '10.15', 'Desktop')],
    ['firefoxUbuntu', info('Firefox', '133.0', 'GNU/Linux', null, 'Desktop')],
    ['firefoxFedora', info('Firefox', '133.0', 'GNU/Linux', null, 'Desktop')],
    ['firefoxAndroid', info('Firefox', '133.0', 'Android', '14', 'Mobile')],
    ['firefoxIPhone', info('Firefox', '133.0', 'iOS', '17.4', 'Mobile')],
    ['edgeWindows', info('Microsoft Edge', '131.0', 'Windows', '10', 'Desktop')],
    ['edgeMac', info('Microsoft Edge', '131.0', 'Mac', '10.15', 'Desktop')],
    ['edgeAndroid', info('Microsoft Edge', '131.0', 'Android', '10', 'Mobile')],
    ['edgeIPhone', info('Microsoft Edge', '131.0', 'iOS', '17.4', 'Mobile')],
    ['samsung', info('Samsung Browser', '26.0', 'Android', '14', 'Mobile')],
    ['samsungTablet', info('Samsung Browser', '23.0', 'Android', '13', 'Tablet')],
    ['operaWindows', info('Opera', '115.0', 'Windows', '10', 'Desktop')],
    ['operaAndroid', info('Opera', '86.0', 'Android', '10', 'Mobile')],
    ['yandexWindows', info('Yandex Browser', '24.10', 'Windows', '10', 'Desktop')],
    ['yandexAndroid', info('Yandex Browser', '24.10', 'Android', '10', 'Mobile')],
    ['vivaldi', info('Vivaldi', '7.0', 'Windows', '10', 'Desktop')],
    ['duckDuckGoAndroid', info('DuckDuckGo Privacy Browser', '5.0', 'Android', '14', 'Mobile')],
    ['ucAndroid', info('UC Browser', '13.4', 'Android', '10', 'Mobile')],
    ['huaweiHarmony', info('Huawei Browser', '14.0', 'HarmonyOS', null, 'Mobile')],
    // In-app browsers and WebViews are Plausible's 'Mobile App', without a version.
    ['facebookIPhone', info('Mobile App', null, 'iOS', '17.4', 'Mobile')],
    ['facebookAndroid', info('Mobile App', null, 'Android', '14', 'Mobile')],
    ['instagramIPhone', info('Mobile App', null, 'iOS', '17.4', 'Mobile')],
    ['instagramAndroid', info('Mobile App', null, 'Android', '14', 'Mobile')],
    ['androidWebView', info('Mobile App', null, 'Android', '13', 'Mobile')],
    ['ie11', info('Internet Explorer', '11.0', 'Windows', '10', 'Desktop')],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(parseUserAgent(UA[name], {}, null)).toEqual(expected);
  });

  it('knows nothing about a string that is not a user agent', () => {
    expect(parseUserAgent('', {}, null)).toEqual(info(null, null, null, null, null));
    expect(parseUserAgent('hello', {}, null)).toEqual(info(null, null, null, null, null));
  });
});

describe('parseUserAgent: Client Hints win over the UA', () => {
  const chromeBrands = '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"';
  const desktopHints = { 'sec-ch-ua': chromeBrands, 'sec-ch-ua-mobile': '?0', 'sec-ch-ua-platform': '"Windows"' };

  it('tells Windows 11 from 10 only by sec-ch-ua-platform-version (13 and up is 11)', () => {
    expect(parseUserAgent(UA.chromeWindows, { ...desktopHints, 'sec-ch-ua-platform-version': '"15.0.0"' }, null).osVersion).toBe('11');
    expect(parseUserAgent(UA.chromeWindows, { ...desktopHints, 'sec-ch-ua-platform-version': '"13.0.0"' }, null).osVersion).toBe('11');
    expect(parseUserAgent(UA.chromeWindows, { ...desktopHints, 'sec-ch-ua-platform-version': '"10.0.0"' }, null).osVersion).toBe('10');
    // The frozen UA says NT 10.0 whatever the real version is.
    expect(parseUserAgent(UA.chromeWindows, desktopHints, null).osVersion).toBe('10');
  });

  it('gives low-entropy hints (major only) and the frozen UA the same browser version', () => {
    const fromUa = parseUserAgent(UA.chromeWindows, {}, null);
    expect(parseUserAgent(UA.chromeWindows, desktopHints, null)).toEqual(fromUa);
    expect(fromUa.browserVersion).toBe('131.0');
  });

  it('takes the full version list, cut to major.minor', () => {
    const full = '"Google Chrome";v="131.0.6778.86", "Chromium";v="131.0.6778.86", "Not_A Brand";v="24.0.0.0"';
    expect(parseUserAgent(UA.chromeWindows, { ...desktopHints, 'sec-ch-ua-full-version-list': full }, null)).toEqual(
      info('Chrome', '131.0', 'Windows', '10', 'Desktop'),
    );
  });

  it('takes the real macOS version from the hints and keeps the UA one without them', () => {
    const mac = { 'sec-ch-ua': chromeBrands, 'sec-ch-ua-mobile': '?0', 'sec-ch-ua-platform': '"macOS"' };
    expect(parseUserAgent(UA.chromeMac, mac, null)).toEqual(info('Chrome', '131.0', 'Mac', '10.15', 'Desktop'));
    expect(parseUserAgent(UA.chromeMac, { ...mac, 'sec-ch-ua-platform-version': '"14.2.1"' }, null)).toEqual(
      info('Chrome', '131.0', 'Mac', '14.2', 'Desktop'),
    );
  });

  it('names browsers that hide in a Chrome UA by their brand', () => {
    const brave = { 'sec-ch-ua': '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"', 'sec-ch-ua-platform': '"Windows"' };
    expect(parseUserAgent(UA.chromeWindows, brave, null).browser).toBe('Brave');
    const edge = { 'sec-ch-ua': '"Chromium";v="131", "Microsoft Edge";v="131", "Not?A_Brand";v="99"' };
    expect(parseUserAgent(UA.edgeWindows, edge, null).browser).toBe('Microsoft Edge');
    const yandex = { 'sec-ch-ua': '"Chromium";v="128", "Not;A=Brand";v="24", "YaBrowser";v="24.10", "Yowser";v="2.5"' };
    expect(parseUserAgent(UA.yandexWindows, yandex, null)).toEqual(info('Yandex Browser', '24.10', 'Windows', '10', 'Desktop'));
    const webView = { 'sec-ch-ua': '"Android WebView";v="116", "Chromium";v="116", "Not)A;Brand";v="24"', 'sec-ch-ua-mobile': '?1' };
    expect(parseUserAgent(UA.androidWebView, webView, null).browser).toBe('Mobile App');
  });

  it('reads the OS, its version and the device type of Android from the hints', () => {
    const android = { 'sec-ch-ua': chromeBrands, 'sec-ch-ua-mobile': '?1', 'sec-ch-ua-platform': '"Android"' };
    // The reduced UA freezes Android at 10; the platform version is the real one.
    expect(parseUserAgent(UA.chromeAndroid, { ...android, 'sec-ch-ua-platform-version': '"14.0.0"', 'sec-ch-ua-model': '"Pixel 8"' }, null)).toEqual(
      info('Chrome', '131.0', 'Android', '14.0', 'Mobile'),
    );
    expect(parseUserAgent(UA.chromeAndroid, android, null)).toEqual(info('Chrome', '131.0', 'Android', '10', 'Mobile'));
    // A tablet says ?0 and is known by its model.
    const tablet = { ...android, 'sec-ch-ua-mobile': '?0', 'sec-ch-ua-model': '"SM-X710"' };
    expect(parseUserAgent(UA.chromeAndroidTablet, tablet, null).device).toBe('Tablet');
  });

  it('sees through a phone asking for the desktop site (Linux UA, Android hints)', () => {
    const hints = { 'sec-ch-ua': chromeBrands, 'sec-ch-ua-mobile': '?0', 'sec-ch-ua-platform': '"Android"' };
    expect(parseUserAgent(UA.chromeLinux, hints, 980)).toEqual(info('Chrome', '131.0', 'Android', null, 'Tablet'));
    expect(parseUserAgent(UA.chromeLinux, { ...hints, 'sec-ch-ua-mobile': '?1' }, 980).device).toBe('Mobile');
  });

  it('normalises what Chromium OS builds call themselves', () => {
    const hints = { 'sec-ch-ua': chromeBrands, 'sec-ch-ua-platform': '"Chromium OS"', 'sec-ch-ua-platform-version': '"16002.51.0"' };
    expect(parseUserAgent(UA.chromeOS, hints, null)).toEqual(info('Chrome', '131.0', 'Chrome OS', '16002.51', 'Desktop'));
  });

  it('ignores hint values no browser sends, so they never become a browser or OS name', () => {
    const fromUa = parseUserAgent(UA.chromeWindows, {}, null);
    const junk: ClientHintHeaders[] = [
      { 'sec-ch-ua': '"<script>alert(1)</script>";v="1"' },
      { 'sec-ch-ua-platform': '"Evil OS"' },
      { 'sec-ch-ua-platform': '"Unknown"' },
      { 'sec-ch-ua-platform': '"Windows"', 'sec-ch-ua-platform-version': '"drop table"' },
      { 'sec-ch-ua-mobile': 'yes' },
      { 'sec-ch-ua': `"Google Chrome";v="131", ${'"x";v="1", '.repeat(100)}` },
    ];
    for (const hints of junk) expect(parseUserAgent(UA.chromeWindows, hints, null), JSON.stringify(hints)).toEqual(fromUa);
  });
});

describe('parseUserAgent: screen width', () => {
  it('refines a desktop-class UA with Plausible breakpoints', () => {
    const device = (w: number | null) => parseUserAgent(UA.chromeWindows, {}, w).device;
    expect(device(null)).toBe('Desktop');
    expect(device(375)).toBe('Mobile');
    expect(device(575)).toBe('Mobile');
    expect(device(576)).toBe('Tablet');
    expect(device(991)).toBe('Tablet');
    expect(device(992)).toBe('Laptop');
    expect(device(1439)).toBe('Laptop');
    expect(device(1440)).toBe('Desktop');
    expect(device(2560)).toBe('Desktop');
  });

  it('calls an iPad sending the Mac UA a tablet by its width, and leaves the OS as the UA says', () => {
    expect(parseUserAgent(UA.safariMac, {}, 820)).toEqual(info('Safari', '17.4', 'Mac', '10.15', 'Tablet'));
    expect(parseUserAgent(UA.safariMac, {}, 1512)).toEqual(info('Safari', '17.4', 'Mac', '10.15', 'Desktop'));
  });

  it('trusts a phone or tablet UA over the width', () => {
    expect(parseUserAgent(UA.safariIPhone, {}, 932).device).toBe('Mobile'); // landscape
    expect(parseUserAgent(UA.safariIPad, {}, 1366).device).toBe('Tablet'); // iPad Pro, landscape
    expect(parseUserAgent(UA.samsungTablet, {}, 400).device).toBe('Tablet');
  });

  it('ignores widths that are no widths', () => {
    for (const w of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(parseUserAgent(UA.chromeWindows, {}, w).device).toBe('Desktop');
  });

  it('uses the width alone when the UA says nothing', () => {
    expect(parseUserAgent('hello', {}, 390).device).toBe('Mobile');
    expect(parseUserAgent('hello', {}, null).device).toBeNull();
  });
});

describe('createUserAgentParser', () => {
  const someHints = { 'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"', 'sec-ch-ua-platform': '"Windows"' };

  it('answers exactly as parseUserAgent, cold and warm', () => {
    const parse = createUserAgentParser();
    for (const round of [1, 2]) {
      for (const ua of Object.values(UA)) {
        for (const [hints, width] of [[{}, null], [someHints, 1280], [{}, 400]] as const) {
          expect(parse(ua, hints, width), `round ${round}: ${ua}`).toEqual(parseUserAgent(ua, hints, width));
        }
      }
    }
  });

  it('returns a fresh object each time, so a caller cannot corrupt the cache', () => {
    const parse = createUserAgentParser();
    const first = parse(UA.chromeWindows, {}, null);
    first.browser = 'changed';
    expect(parse(UA.chromeWindows, {}, null).browser).toBe('Chrome');
  });

  it('keys by UA and relevant hints only: widths and other headers share one entry', () => {
    const parse = createUserAgentParser();
    parse(UA.chromeWindows, {}, null);
    parse(UA.chromeWindows, {}, 390);
    parse(UA.chromeWindows, {}, 1920);
    parse(UA.chromeWindows, { 'sec-ch-ua-arch': '"x86"', 'accept-language': 'nb' }, 1280);
    parse(UA.chromeWindows, { 'sec-ch-ua-platform': '"Evil OS"' }, null);
    expect(parse.cacheSize()).toBe(1);
    expect(parse(UA.chromeWindows, { 'sec-ch-ua-platform': '"Windows"', 'sec-ch-ua-platform-version': '"15.0.0"' }, null).osVersion).toBe('11');
    expect(parse.cacheSize()).toBe(2);
  });

  it('never holds more than maxEntries, and stays correct after evicting', () => {
    const parse = createUserAgentParser({ maxEntries: 5 });
    const uas = Object.values(UA);
    for (let i = 0; i < 3 * uas.length; i++) {
      const ua = uas[i % uas.length] ?? '';
      expect(parse(ua, {}, null)).toEqual(parseUserAgent(ua, {}, null));
      expect(parse.cacheSize()).toBeLessThanOrEqual(5);
    }
    expect(parse.cacheSize()).toBe(5);
  });

  it('bounds the default cache too', () => {
    const parse = createUserAgentParser();
    for (let i = 0; i < 2100; i++) parse(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/${i}.0`, {}, null);
    expect(parse.cacheSize()).toBe(2000);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) expect(() => createUserAgentParser({ maxEntries })).toThrow(RangeError);
  });
});

describe('parseUserAgent: properties', () => {
  const hintNames = ['sec-ch-ua', 'sec-ch-ua-full-version-list', 'sec-ch-ua-mobile', 'sec-ch-ua-model', 'sec-ch-ua-platform', 'sec-ch-ua-platform-version', 'sec-ch-ua-form-factors', 'x-other'];
  const hintValue = fc.oneof(
    fc.string(),
    fc.constantFrom('?0', '?1', '"Windows"', '"macOS"', '"Android"', '"Linux"', '"Chrome OS"', '"15.0.0"', '"Pixel 8"', '"Brave";v="131", "Chromium";v="131"'),
  );
  const hints = fc.dictionary(fc.oneof(fc.constantFrom(...hintNames), fc.string()), hintValue);
  const userAgent = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 700 }),
    fc.tuple(fc.constantFrom(...Object.values(UA)), fc.string(), fc.nat()).map(([ua, noise, at]) => ua.slice(0, at % ua.length) + noise + ua.slice(at % ua.length)),
  );
  const width = fc.oneof(fc.constant(null), fc.double(), fc.integer({ min: -10, max: 5000 }));

  it('never throws, gives only allowed devices and agrees with the cached parser', () => {
    const parse = createUserAgentParser({ maxEntries: 50 });
    fc.assert(
      fc.property(userAgent, hints, width, (ua, h, w) => {
        const result = parseUserAgent(ua, h, w);
        expect(DEVICES.has(result.device)).toBe(true);
        for (const value of [result.browser, result.browserVersion, result.os, result.osVersion]) {
          expect(value === null || (typeof value === 'string' && value.length > 0)).toBe(true);
        }
        expect(parse(ua, h, w)).toEqual(result);
        expect(parse.cacheSize()).toBeLessThanOrEqual(50);
      }),
      { numRuns: 500 },
    );
  });
});
