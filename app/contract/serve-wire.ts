/**
 * How the serve host's page and API meet: where the token travels and how a socket presents
 * it. Imports nothing, so the renderer may import these values without pulling in schemas.
 */

/**
 * Fragment parameter carrying the serve host's per-run token to the page:
 * `http://127.0.0.1:PORT/#token=…`. A fragment never reaches a server, a log or a Referer, and
 * no cookie is ever set (cookies are not port-scoped: every other 127.0.0.1 port would get it).
 */
export const SERVE_TOKEN_PARAM = 'token';
/** WebSocket path of the serve host: the API, the only thing the token guards. */
export const SERVE_WS_PATH = '/api';
/** The WebSocket subprotocol of the serve host; it answers with this one, never with the token's. */
export const SERVE_WS_PROTOCOL = 'thunderhead.v1';
/**
 * A page presents the token as a second subprotocol, `thunderhead.token.<token>` (a browser
 * cannot set headers on a WebSocket). Other clients may send `Authorization: Bearer <token>`.
 */
export const SERVE_TOKEN_PROTOCOL_PREFIX = 'thunderhead.token.';
/** Close code of a socket whose token the serve host refused (retrying cannot help). */
export const SERVE_CLOSE_UNAUTHORIZED = 4401;
