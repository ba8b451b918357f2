// Small DOM helpers: elements are built, never parsed from strings, so no alarm text can inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function toast(text, isError = false) {
  const box = document.getElementById("toast");
  const d = h("div", { class: isError ? "err" : "" }, text);
  box.append(d);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => d.remove(), isError ? 7000 : 3500);
}

/** "2 min 05 s" from a duration in ms. */
export function ago(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const hh = Math.floor(m / 60);
  if (hh < 48) return `${hh} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(hh / 24)} days`;
}

/** A local time, in the site's time zone when given (the operator sees what the customer sees). */
export function when(ms, timeZone) {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms);
  const sameDay = new Date().toDateString() === d.toDateString();
  const opts = sameDay ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...opts, ...(timeZone ? { timeZone } : {}), hourCycle: "h23" }).format(d);
  } catch {
    return d.toLocaleString();
  }
}

/** A live "time since" cell: the ticker in app.js refreshes every element with data-since. */
export function since(ms, lateAfterMs = 60_000) {
  return h("span", { class: "age", dataset: { since: String(ms), late: String(lateAfterMs) } }, ago(Date.now() - ms));
}

export function tickAges() {
  for (const el of document.querySelectorAll("[data-since]")) {
    const d = Date.now() - Number(el.dataset.since);
    el.textContent = ago(d);
    el.classList.toggle("late", el.dataset.late !== "0" && d > Number(el.dataset.late));
  }
}

export const PRIORITY = ["alarm", "urgent", "open/close", "routine"];
export function priorityBadge(p) {
  return h("span", { class: `badge p${p}` }, PRIORITY[p] ?? `p${p}`);
}

export function field(label, input) {
  return h("label", {}, label, input);
}

/** Replaces an element's children; arrays are flattened and null/false left out, as in h(). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}
