// The services' JSON API, same origin; the session is the HttpOnly cookie the login set (Path=/api).
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? "http";
    this.field = body?.field;
  }
}

export async function api(method, url, body) {
  const r = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = r.headers.get("content-type") ?? "";
  const data = type.startsWith("application/json") ? await r.json() : await r.text();
  if (!r.ok) throw new ApiError(r.status, typeof data === "object" ? data : { message: data });
  return data;
}

export const get = (url) => api("GET", url);
export const post = (url, body = {}) => api("POST", url, body);
export const put = (url, body) => api("PUT", url, body);
export const del = (url) => api("DELETE", url);
