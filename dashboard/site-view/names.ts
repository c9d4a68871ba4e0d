/**
 * The catalogue keys of the names the Stats API keeps in Plausible's English (channels,
 * devices, "Direct / None"), so bokmål shows its own. Pure, for the tests to read.
 * @module
 */

/** Catalogue prefix of each dimension whose values have display names. */
export const NAMED_PREFIX: Readonly<Record<string, string>> = { 'visit:channel': 'sv.channel.', 'visit:device': 'sv.device.', 'visit:source': 'sv.source.' };

/** `Organic Search` → `organic_search`: a value's part of its catalogue key. */
export const nameKey = (value: string) => value.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/**
 * The values the API stores for each dimension with display names (the ingest's channel
 * and device lists), so typed display names can be turned back into them.
 */
export const NAMED_VALUES: Readonly<Record<string, readonly string[]>> = {
  'visit:channel': [
    'Direct', 'Organic Search', 'Paid Search', 'Organic Social', 'Paid Social', 'Organic Video', 'Paid Video', 'Organic Shopping', 'Paid Shopping',
    'Paid Other', 'Display', 'Cross-network', 'Email', 'Affiliates', 'Audio', 'SMS', 'Mobile Push Notifications', 'AI Assistants', 'Referral',
  ],
  'visit:device': ['Desktop', 'Laptop', 'Tablet', 'Mobile'],
  'visit:source': ['Direct / None'],
};
