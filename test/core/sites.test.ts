import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiteError, createSite, findSite } from '../../server/core/sites.ts';
import { tempDb } from '../helpers/db.ts';

describe('sites', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  it('adds a domain once when two add it at the same moment, and tells the other it exists', async () => {
    const results = await Promise.allSettled([createSite(t.db, { domain: 'shop.no' }, 0), createSite(t.db, { domain: 'www.Shop.no' }, 0)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(SiteError);
    expect(refused.reason.message).toBe('site shop.no already exists');
  });

  it('finds a site however its domain is written', async () => {
    const site = await createSite(t.db, { domain: 'shop.no' }, 0);
    for (const written of ['shop.no', 'WWW.Shop.NO', 'https://www.shop.no/']) expect((await findSite(t.db, written))?.id).toBe(site.id);
    expect(await findSite(t.db, 'not a domain')).toBeNull();
  });
});
