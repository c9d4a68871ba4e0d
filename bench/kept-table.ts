/** Carrying a section's opt-in 10 M table over a run that measured 1 M only. */

/**
 * The opt-in 10 M table of a section, carried over when this run measured 1 M only (it takes
 * most of an hour), labelled with the run it came from; '' when the section has none.
 */
export function keptTenMillionTable(doc: string, heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start === -1) return '';
  const next = doc.indexOf('\n## ', start + 4);
  const section = doc.slice(start, next === -1 ? undefined : next);
  const table = section.indexOf('\n### 10,000,000 events');
  if (table === -1) return '';
  const body = section.slice(section.indexOf('\n', table + 1) + 1).trim();
  if (body.startsWith('Kept from')) return `### 10,000,000 events (not run again)\n\n${body}`;
  const measured = /^Measured (.+?)\.$/m.exec(section)?.[1] ?? 'an earlier run';
  return `### 10,000,000 events (not run again)\n\nKept from the run of ${measured} (\`TELLER_BENCH_10M=1\` was not set this time).\n\n${body}`;
}
