/**
 * Server errors read in the person's words: the API's field key (`excludedIps:`,
 * `email:`) places a message next to its field and is not shown; settings errors name the
 * setting as the settings page does.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../dashboard/lib/api.ts';
import { parseSiteSettings } from '../../server/core/site-settings.ts';

describe('error messages', () => {
  it('keep the field key for placing the message and show the rest', () => {
    const error = new ApiError(400, 'email: an e-mail address is required');
    expect(error.field).toBe('email');
    expect(error.message).toBe('An e-mail address is required');
    const plain = new ApiError(400, 'Only the owner may do this: ask them');
    expect(plain.field).toBeNull();
    expect(plain.message).toBe('Only the owner may do this: ask them');
  });

  it('name a bad setting as the settings page does', () => {
    expect(() => parseSiteSettings({ excludedIps: ['nope'] })).toThrow('Excluded IP addresses and ranges: "nope" is not an IP address or CIDR range');
    expect(() => parseSiteSettings({ retentionDays: 0 })).toThrow(/^Raw event retention: /);
    expect(() => parseSiteSettings({ allowedHostnames: ['a b'] })).toThrow(/^Allowed hostnames: /);
    expect(() => parseSiteSettings({ colour: 'red' })).toThrow('"colour" is not a setting that can be changed here');
  });
});
