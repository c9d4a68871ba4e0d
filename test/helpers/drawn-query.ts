/**
 * Property tests draw Stats API bodies at random; some are ones the API refuses with a 400
 * (a metric the dimension does not allow, a filter it does not take). These helpers parse a
 * drawn body as the API would and tell the refused ones apart, so each test skips them alike.
 */
import { QueryError } from '../../server/core/query/errors.ts';

/** What `parse` returns, or null where it refuses the query (QueryError); any other error is thrown. */
export function parsedOrRefused<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (e) {
    if (e instanceof QueryError) return null;
    throw e;
  }
}

/** A drawn query's fields as a Stats API body for `domain`, with the comparison when one was drawn. */
export function apiBody(domain: string, drawn: Record<string, unknown>): Record<string, unknown> {
  return {
    site_id: domain,
    metrics: drawn.metrics,
    date_range: drawn.date_range,
    dimensions: drawn.dimensions,
    filters: drawn.filters,
    ...(drawn.compare ? { include: { compare: drawn.compare } } : {}),
  };
}
