/** The services' HTTP API over a real socket, as a browser or script reaches alarm-centre's --http. */

/** POST /api/login with a username and password; the response as it came (tests check its status). */
export function login(base: string, username: string, password: string): Promise<Response> {
  return fetch(`${base}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
}

/** One request with a session's bearer token, a JSON body when given; the response as it came. */
export function withToken(base: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}
