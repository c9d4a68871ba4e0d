/**
 * A Stats API v2 query as the dashboard sends it, and the answer it reads.
 * @module
 */
/** One Stats API v2 query (the same API external clients use). */
export interface StatsQuery {
  site_id: string;
  metrics: string[];
  date_range: string | [string, string];
  dimensions?: string[];
  filters?: unknown[];
  order_by?: Array<[string, 'asc' | 'desc']>;
  include?: { imports?: boolean; compare?: 'previous_period' | 'year_over_year' | [string, string]; compare_match_day_of_week?: boolean; time_labels?: boolean; total_rows?: boolean };
  pagination?: { limit: number; offset: number };
}

export interface StatsResult {
  results: Array<{ metrics: Array<number | null>; dimensions: string[]; comparison?: { metrics: Array<number | null>; change: Array<number | null> } }>;
  meta: Record<string, unknown> & { time_labels?: string[]; total_rows?: number };
  query: Record<string, unknown>;
}
