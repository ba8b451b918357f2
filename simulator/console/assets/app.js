// The console's shell: login, the views behind #/ routes, the live stream (server-sent events, pushed to
// whichever view is open), the global keys and the once-a-second ticker of "time since" cells.
import { ApiError, get, post } from "./api.js";
import { h, tickAges, toast } from "./dom.js";
import { installationView, installationsView } from "./installation-view.js";
import { queueView } from "./queue-view.js";
import { supervisorView } from "./supervisor-view.js";

const main = document.getElementById("app");
const state = { me: null, view: null, stream: null, zones: {} };
const ROLE_RANK = { operator: 0, supervisor: 1, admin: 2 };

export function mayAct(role) {
  return state.me && ROLE_RANK[state.me.role] >= ROLE_RANK[role];
}

/** Zone names per panel (from the installer's programming sheet), for "zone 1 front door". */
export function zoneName(panel, zone) {
  return state.zones[panel]?.[zone];
}

function showLogin(message) {
  document.getElementById("nav").hidden = true;
  document.getElementById("who").textContent = "";
  const user = h("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const err = h("p", { class: "error", role: "alert" }, message ?? "");
  const form = h(
    "form",
    {
      class: "card login",
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await post("/api/login", { username: user.value.trim(), password: pass.value });
          pass.value = "";
          await start();
        } catch (x) {
          err.textContent = x instanceof ApiError && x.code === "locked-out" ? "Account locked after wrong passwords; try again later." : "Wrong username or password.";
          pass.value = "";
          pass.focus();
        }
      },
    },
    h("h1", {}, "Operator login"),
    h("label", {}, "Username", user),
    h("label", {}, "Password", pass),
    h("button", { class: "primary", type: "submit" }, "Log in"),
    err,
  );
  main.replaceChildren(form);
  user.focus();
}

async function logout() {
  try {
    await post("/api/logout");
  } catch {}
  state.stream?.close();
  state.me = null;
  location.hash = "#/queue";
  showLogin("Logged out.");
}

function connectStream() {
  state.stream?.close();
  const es = new EventSource("/api/queue/stream");
  const live = document.getElementById("live");
  es.onopen = () => ((live.textContent = "live"), live.classList.add("on"));
  es.onerror = () => ((live.textContent = "reconnecting…"), live.classList.remove("on"));
  for (const type of ["snapshot", "incident", "ticket", "command"]) {
    es.addEventListener(type, (ev) => {
      const data = JSON.parse(ev.data);
      state.view?.onEvent?.(type, data);
    });
  }
  state.stream = es;
}

async function route() {
  if (!state.me) return;
  state.view?.dispose?.();
  state.view = null;
  const [, name = "queue", arg] = location.hash.replace(/^#\/?/, "/").split("/");
  for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === name || (name === "installation" && a.dataset.nav === "installations"));
  const ctx = { main, me: state.me, mayAct, zoneName, refreshZones };
  try {
    if (name === "installations") state.view = await installationsView(ctx);
    else if (name === "installation") state.view = await installationView(ctx, Number(arg));
    else if (name === "supervisor" && mayAct("supervisor")) state.view = await supervisorView(ctx);
    else state.view = await queueView(ctx, arg ? Number(arg) : undefined);
  } catch (x) {
    if (x instanceof ApiError && x.status === 401) return showLogin("Your session has ended; please log in again.");
    main.replaceChildren(h("p", { class: "error" }, `Could not load this view: ${x.message}`));
  }
}

async function refreshZones() {
  try {
    state.zones = await get("/api/console/zones");
  } catch {}
}

async function start() {
  try {
    state.me = await get("/api/me");
  } catch {
    return showLogin();
  }
  document.getElementById("nav").hidden = false;
  for (const a of document.querySelectorAll("[data-role]")) a.hidden = !mayAct(a.dataset.role);
  document.getElementById("who").replaceChildren(`${state.me.username} (${state.me.role})`, h("button", { onclick: logout, title: "log out" }, "Log out"));
  await refreshZones();
  connectStream();
  await route();
}

window.addEventListener("hashchange", route);
window.addEventListener("unhandledrejection", (e) => {
  const x = e.reason;
  if (x instanceof ApiError && x.status === 401) return showLogin("Your session has ended; please log in again.");
  toast(x?.message ?? String(x), true);
});
document.addEventListener("keydown", (e) => {
  if (!state.me || e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
  if (!typing) {
    const go = { q: "#/queue", i: "#/installations", s: mayAct("supervisor") ? "#/supervisor" : null }[e.key.toLowerCase()];
    if (go && !e.shiftKey) {
      e.preventDefault();
      location.hash = go;
      return;
    }
  }
  state.view?.onKey?.(e, typing);
});
setInterval(tickAges, 1000);
start();
