import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/core/config.ts';

describe('parseConfig', () => {
  it('takes unset and empty variables as the defaults', () => {
    for (const env of [{}, { TELLER_IP_STORAGE: '', TELLER_TRUST_PROXY: '', TELLER_ADMIN_TOKEN: '' }]) {
      expect(parseConfig(env)).toEqual({ trustProxy: 0, ipStorage: 'truncated', maxBodyBytes: 131072, adminToken: null });
    }
  });

  it('reads each variable', () => {
    const token = 'a'.repeat(32);
    expect(parseConfig({ TELLER_IP_STORAGE: 'none', TELLER_TRUST_PROXY: '2', TELLER_MAX_BODY_BYTES: '4096', TELLER_ADMIN_TOKEN: token })).toEqual({
      trustProxy: 2, ipStorage: 'none', maxBodyBytes: 4096, adminToken: token,
    });
  });

  it.each([
    [{ TELLER_IP_STORAGE: 'full' }, /TELLER_IP_STORAGE/],
    [{ TELLER_TRUST_PROXY: '-1' }, /TELLER_TRUST_PROXY/],
    [{ TELLER_TRUST_PROXY: 'yes' }, /TELLER_TRUST_PROXY/],
    [{ TELLER_ADMIN_TOKEN: 'short' }, /at least 32/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
