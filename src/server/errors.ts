/**
 * Errors the local server answers with: a status code and a JSON body that says
 * what was expected, so a student who mistypes a URL learns what to type instead.
 */

/** An error that the server turns into `{ "error": message, "status": statusCode }`. */
export class HttpError extends Error {
  /** The HTTP status code to answer with (4xx for bad input). */
  readonly statusCode: number;

  /**
   * @param statusCode the 4xx status to answer with
   * @param message the reason, said to the client.
   */
  constructor(statusCode: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.statusCode = statusCode;
  }
}

/** A 400 Bad Request with a message of the form "Expected …, got …". */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** Quote a user-supplied value for an error message, shortened so a huge input cannot flood a log. */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(short);
}
