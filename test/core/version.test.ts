import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TELLER_VERSION } from '../../server/core/version.ts';

describe('TELLER_VERSION', () => {
  it('is package.json\'s version', () => {
    expect(TELLER_VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});
