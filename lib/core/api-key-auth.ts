/**
 * Where an HTTP API's key goes: in one request header, whose name is an HTTP token (RFC 9110's
 * tchar), or in one query parameter; never both, never neither. The contract (stored connections)
 * and the sources file's `apis` check a key's place with these rules.
 */

/** The characters of an HTTP header name. */
const HEADER_NAME_CHARS = "A-Za-z0-9!#$%&'*+.^_`|~-";

/** A whole HTTP header name, of at most `maxLength` characters when given. */
export function httpHeaderNamePattern(maxLength?: number): RegExp {
  return new RegExp(`^[${HEADER_NAME_CHARS}]${maxLength === undefined ? "+" : `{1,${maxLength}}`}$`);
}

export const HTTP_HEADER_NAME_MESSAGE = "an HTTP header name";

/** True when an apiKey auth names exactly one place for its key: `header` or `query`. */
export function namesHeaderOrQuery(auth: { header?: string; query?: string }): boolean {
  return (auth.header === undefined) !== (auth.query === undefined);
}
