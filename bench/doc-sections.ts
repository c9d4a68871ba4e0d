/**
 * How the benchmarks write their figures into docs/benchmarks.md: each bench owns one
 * `## Heading` section and replaces it; notes written there by hand survive.
 * @module
 */

/** A hand-written subsection: its heading carries the date of the runs it records. */
const DATED = /^### .*\b\d{4}-\d{2}-\d{2}\b/;

/**
 * Replaces (or appends) one `## Heading` section of the document with `body`. Subsections of
 * the old section whose `### ` heading carries a date (before/after studies written by hand)
 * are kept after the new figures; the bench's own undated subsections are replaced.
 */
export function replaceSection(doc: string, heading: string, body: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start === -1) return `${doc.trimEnd()}\n\n## ${heading}\n\n${body.trim()}\n`;
  const next = doc.indexOf('\n## ', start + 4);
  const old = doc.slice(start + 1, next === -1 ? undefined : next + 1);
  const kept = old
    .split(/\n(?=### )/)
    .slice(1)
    .filter((part) => DATED.test(part))
    .map((part) => `\n${part.trim()}\n`);
  const section = [`\n## ${heading}\n\n${body.trim()}\n`, ...kept].join('');
  return doc.slice(0, start) + section + (next === -1 ? '' : doc.slice(next));
}
