/**
 * A client's query that Teller refuses: answered 400, naming the offending field.
 * @module
 */

export class QueryError extends Error {
  constructor(
    /** The request field at fault: `metrics`, `date_range`, `filters`, … */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
