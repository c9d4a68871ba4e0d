import { describe, expect, it } from 'vitest';
import { replaceSection } from '../../bench/doc-sections.ts';

const DOC = `# Benchmarks

## Queries

Measured yesterday.

### 1,000,000 events

| old table |

### Kept visit sets (2026-12-06, third session)

Before and after, by hand.

### 10,000,000 events (not run again)

| older table |

## Ingest

Measured last week.
`;

describe('replaceSection', () => {
  it("replaces the bench's own figures and keeps the dated notes written by hand after them", () => {
    const doc = replaceSection(DOC, 'Queries', 'Measured today.\n\n### 1,000,000 events\n\n| new table |');
    expect(doc).toBe(`# Benchmarks

## Queries

Measured today.

### 1,000,000 events

| new table |

### Kept visit sets (2026-12-06, third session)

Before and after, by hand.

## Ingest

Measured last week.
`);
  });

  it('replaces the last section of the document and appends a missing one', () => {
    const last = replaceSection(DOC, 'Ingest', 'Measured now.');
    expect(last.endsWith('## Ingest\n\nMeasured now.\n')).toBe(true);
    expect(last).toContain('### Kept visit sets (2026-12-06, third session)');
    const added = replaceSection(DOC, 'Soak', 'Peak 300 MB.');
    expect(added).toBe(`${DOC.trimEnd()}\n\n## Soak\n\nPeak 300 MB.\n`);
  });
});
