import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/core/config.ts';

describe('parseConfig', () => {
  it('takes unset and empty variables as the defaults', () => {
    for (const env of [{}, { TELLER_IP_STORAGE: '', TELLER_TRUST_PROXY: '', TELLER_ADMIN_TOKEN: '', TELLER_EVENT_RATE_LIMIT: '' }]) {
      expect(parseConfig(env)).toEqual({ trustProxy: 0, ipStorage: 'truncated', maxBodyBytes: 131072, eventRateLimit: 1200, queryRateLimit: 600, adminToken: null, refusedAdminToken: null, publicOrigin: null, setupCode: null, queryQueueLimit: 32 });
    }
  });

  it('reads each variable', () => {
    const token = 'a'.repeat(32);
    expect(parseConfig({ TELLER_IP_STORAGE: 'none', TELLER_TRUST_PROXY: '2', TELLER_MAX_BODY_BYTES: '4096', TELLER_ADMIN_TOKEN: token, TELLER_EVENT_RATE_LIMIT: '0', TELLER_QUERY_RATE_LIMIT: '30', TELLER_PUBLIC_URL: 'https://stats.example.com', TELLER_SETUP_CODE: 'operator-chosen-setup-code', TELLER_QUERY_QUEUE_LIMIT: '8' })).toEqual({
      trustProxy: 2, ipStorage: 'none', maxBodyBytes: 4096, eventRateLimit: 0, queryRateLimit: 30, adminToken: token, refusedAdminToken: null,
      publicOrigin: 'https://stats.example.com', setupCode: 'operator-chosen-setup-code', queryQueueLimit: 8,
    });
  });

  it('refuses a short admin token without failing when asked to (Workers)', () => {
    expect(parseConfig({ TELLER_ADMIN_TOKEN: 'short' }, { shortAdminToken: 'refuse' })).toMatchObject({ adminToken: null, refusedAdminToken: 'short' });
    expect(parseConfig({ TELLER_ADMIN_TOKEN: 'b'.repeat(32) }, { shortAdminToken: 'refuse' })).toMatchObject({ adminToken: 'b'.repeat(32), refusedAdminToken: null });
  });

  it.each([
    [{ TELLER_IP_STORAGE: 'full' }, /TELLER_IP_STORAGE/],
    [{ TELLER_TRUST_PROXY: '-1' }, /TELLER_TRUST_PROXY/],
    [{ TELLER_TRUST_PROXY: 'yes' }, /TELLER_TRUST_PROXY/],
    [{ TELLER_EVENT_RATE_LIMIT: '-5' }, /TELLER_EVENT_RATE_LIMIT/],
    [{ TELLER_ADMIN_TOKEN: 'short' }, /at least 32/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
