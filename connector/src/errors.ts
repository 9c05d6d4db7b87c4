/**
 * An error meant for the API caller: the HTTP status, a stable code to branch on, and
 * a message an admin can act on. Anything else thrown in a handler becomes a 500 whose
 * details stay in the log.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: { field: string; message: string }[],
    /** True when the code that threw has logged the failure for the operator already. */
    readonly logged = false,
  ) {
    super(message);
  }
}
