/**
 * A real Teller (test/helpers/server.ts, serving the tracker and the plugin zip it built) and a
 * real WordPress (harness.ts) with the Teller plugin installed from the zip Teller serves at
 * /wordpress/teller.zip, activated, and connected with a site token of the given scopes.
 *
 * Teller trusts one proxy hop (`TELLER_TRUST_PROXY=1`), as behind an agency's reverse proxy:
 * a visitor's address then comes from X-Forwarded-For on the direct path, which lets a test
 * give a browser a public address (and so a country), and makes a forged X-Forwarded-For on
 * the plugin's proxy path a real threat the plugin must not pass on.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDashboard } from '../../dashboard/build.mjs';
import { WORDPRESS_SOURCE, buildWordPressZip } from '../../scripts/wordpress-zip.mjs';
import { type Scope, WORDPRESS_SCOPES, createToken } from '../../server/core/tokens.ts';
import { buildTracker } from '../../tracker/build.mjs';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { type WordPress, type WordPressOptions, phpString, startWordPress } from './harness.ts';

export const PLUGIN = 'teller/teller.php';

/** The plugin's settings option (`teller_settings`), as its settings page saves it. */
export interface PluginSettings {
  url: string;
  token: string;
  domain: string;
  exclude_roles: string[];
  outbound_links: boolean;
  file_downloads: boolean;
  proxy: boolean;
}

export interface TellerAndWordPress {
  teller: TestServer;
  wp: WordPress;
  /** The site in Teller, named by WordPress' host. */
  domain: string;
  siteId: number;
  token: string;
  /** Saves the plugin's settings as its settings page does (the save hooks run: proxy secret, caches). */
  configure(settings?: Partial<PluginSettings>): Promise<void>;
  stop(): Promise<void>;
}

export async function startTellerAndWordPress(
  options: WordPressOptions & { scopes?: readonly Scope[]; dashboard?: boolean; clock?: () => number } = {},
): Promise<TellerAndWordPress> {
  const publicDir = await mkdtemp(join(tmpdir(), 'teller-wp-public-'));
  let teller: TestServer | undefined;
  let wp: WordPress | undefined;
  const stop = async () => {
    await Promise.all([wp?.stop(), teller?.stop()]);
    await rm(publicDir, { recursive: true, force: true });
  };
  try {
    const built = (async () => {
      await buildTracker({ outDir: publicDir, quiet: true });
      if (options.dashboard) await buildDashboard({ outDir: publicDir, quiet: true });
      // Built from a copy: the build compiles .mo files into the folder it zips, and test files
      // running at once must neither write the repository's files nor zip one half-written.
      const source = join(publicDir, 'plugin-source');
      await cp(WORDPRESS_SOURCE, source, { recursive: true });
      if (buildWordPressZip({ sourceDir: source, outDir: publicDir, quiet: true }) === null) throw new Error(`no ${WORDPRESS_SOURCE}/ plugin folder to build the zip from`);
    })();
    const wpStarted = startWordPress(options).then((started) => (wp = started));
    await built;
    teller = await startTestServer({ publicDir, config: { trustProxy: 1 }, ...(options.clock ? { clock: options.clock } : {}) });
    await wpStarted;
    if (!wp) throw new Error('WordPress did not start');
    const domain = wp.host;
    const siteId = await teller.addSite(domain);
    const token = await createToken(teller.db, { siteId, scopes: options.scopes ?? WORDPRESS_SCOPES }, Date.now());

    // The plugin as a person gets it: downloaded from Teller, installed from the zip.
    const zip = await fetch(`${teller.url}/wordpress/teller.zip`);
    if (zip.status !== 200) throw new Error(`GET /wordpress/teller.zip answered ${zip.status}`);
    const zipPath = join(wp.dir, 'teller.zip');
    await writeFile(zipPath, new Uint8Array(await zip.arrayBuffer()));
    const file = await wp.installPlugin(zipPath);
    if (file !== PLUGIN) throw new Error(`the zip installed ${file}, not ${PLUGIN}`);
    await wp.activatePlugin(PLUGIN);

    const tellerUrl = teller.url;
    const site = wp;
    return {
      teller,
      wp,
      domain,
      siteId,
      token,
      async configure(settings = {}) {
        const value: PluginSettings = {
          url: tellerUrl,
          token,
          domain,
          exclude_roles: ['administrator', 'editor'],
          outbound_links: false,
          file_downloads: false,
          proxy: false,
          ...settings,
        };
        await site.php(`update_option('teller_settings', json_decode(${phpString(JSON.stringify(value))}, true)); return true;`, { as: 'admin' });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
