import { InvalidArgumentError } from '../errors';

/**
 * A query that does not parse, or uses something where it does not apply (`changed()` outside a
 * diff). The message is one line and names the column; `column` is 1-based, counted in UTF-16
 * code units from the start of the text (a tab or a newline is one column).
 */
export class QuerySyntaxError extends InvalidArgumentError {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    /** 1-based column of the offending character. */
    readonly column: number,
  ) {
    super(`query error at column ${column}: ${reason}`);
    this.name = 'QuerySyntaxError';
  }
}
