// Installations: the list, and one installation: its panels (link, last heartbeat, supervision category,
// areas armed or not, troubles), open service tickets, contacts, schedule, test windows (announce one),
// remote change of a user's code (typed once, cleared at once, never shown) and the alarm history.
import { ApiError, get, post } from "./api.js";
import { eventText } from "./queue-view.js";
import { ago, field, fill, h, since, toast, when } from "./dom.js";

export async function installationsView({ main }) {
  const list = await get("/api/installations");
  main.replaceChildren(
    h(
      "section",
      { class: "card" },
      h("h1", {}, "Installations"),
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Address"), h("th", {}, "Panels"), h("th", {}, "Time zone"))),
        h("tbody", {}, list.map((i) => h("tr", {}, h("td", {}, h("a", { href: `#/installation/${i.id}` }, i.name)), h("td", {}, i.address), h("td", {}, i.panels.join(", ") || "—"), h("td", {}, i.timeZone)))),
      ),
      list.length ? null : h("p", { class: "empty" }, "No installations yet."),
    ),
  );
  main.querySelector("a")?.focus();
  return {};
}

const LINK = { up: ["b-ok", "link up"], down: ["b-bad", "link down"], late: ["b-warn", "not heard in time"], unknown: ["", "never heard"] };
const optional = async (p) => {
  try {
    return await p;
  } catch (x) {
    if (x instanceof ApiError && x.status === 404) return null;
    throw x;
  }
};

export async function installationView(ctx, id) {
  const { main, zoneName } = ctx;
  const root = h("div");
  main.replaceChildren(root);
  let inst;

  async function render() {
    const [i, panels, tickets, contacts, schedule, notices, commands, history] = await Promise.all([
      get(`/api/installations/${id}`),
      get(`/api/console/installations/${id}/panels`),
      get("/api/tickets?state=open"),
      optional(get(`/api/installations/${id}/contacts`)),
      optional(get(`/api/installations/${id}/schedule`)),
      get(`/api/installations/${id}/test-notices`),
      get(`/api/installations/${id}/remote-commands`),
      get(`/api/installations/${id}/history`),
    ]);
    inst = i;
    const tz = i.timeZone;
    const now = Date.now();
    const activeNotices = notices.filter((n) => n.cancelledAt === null && n.end > now);
    const myTickets = tickets.filter((t) => t.installationId === id);

    const panelCards = panels.panels.map((p) => {
      const [cls, text] = LINK[p.link] ?? LINK.unknown;
      const hb = p.heartbeat;
      return h(
        "div",
        { class: "card", dataset: { panel: p.panel } },
        h("h2", {}, p.panel, " ", h("span", { class: `badge ${cls}`, id: `link-${p.panel}` }, text)),
        h(
          "dl",
          { class: "kv" },
          h("dt", {}, "Last heard"),
          h("dd", {}, p.lastSeen ? [when(p.lastSeen, tz), " (", since(p.lastSeen, p.reportingMs ?? 0), " ago)"] : "never"),
          h("dt", {}, "Supervision"),
          h("dd", {}, p.category ? `${p.category}: reports at least every ${ago(p.reportingMs)} (EN 50136-1)` : "—"),
          h("dt", {}, "Armed now"),
          h("dd", { id: `armed-${p.panel}` }, h("span", { class: `badge ${panels.armed ? "b-info" : ""}` }, panels.armed ? "armed" : "not armed"), h("span", { class: "muted" }, " (its last opening or closing report)")),
          h("dt", {}, "Last heartbeat"),
          h("dd", {}, hb ? `${when(hb.at, tz)}: ${hb.areas.map((a) => `area ${a.area} ${a.mode === "disarmed" ? "not armed" : `armed ${a.mode}`}`).join(", ") || "no areas"}; ${hb.outbox} event(s) in its outbox` : "none yet"),
          h("dt", {}, "Troubles"),
          h("dd", {}, hb?.troubles.length ? hb.troubles.map((t) => h("span", { class: "badge b-warn" }, `${t.code} ${t.name}`)) : "none"),
          h("dt", {}, "Zones"),
          h("dd", {}, Object.entries(p.zones ?? {}).map(([z, n]) => `${z} ${n}`).join(" · ") || "—"),
        ),
      );
    });

    const minutes = h("input", { id: "test-minutes", type: "number", min: 1, max: 1440, value: 30, style: "width:6em" });
    const zones = h("input", { id: "test-zones", placeholder: "all", style: "width:8em" });
    const testForm = h(
      "form",
      {
        class: "actions",
        id: "test-form",
        onsubmit: async (e) => {
          e.preventDefault();
          const z = zones.value.split(/[\s,]+/).filter(Boolean).map(Number);
          if (z.some((n) => !Number.isInteger(n) || n < 1)) return toast("Zones: whole numbers, comma-separated", true);
          try {
            await post(`/api/installations/${id}/test-notices`, { start: Date.now(), durationMs: Math.round(Number(minutes.value) * 60_000), ...(z.length ? { zones: z } : {}) });
            toast("Test window announced: alarms inside it are recorded, not dispatched");
            render();
          } catch (x) {
            toast(x.message, true);
          }
        },
      },
      field("Minutes", minutes),
      field("Zones (optional)", zones),
      h("button", { type: "submit", class: "primary", id: "announce-test" }, "Announce test"),
    );

    const panelSel = h("select", { id: "code-panel" }, i.panels.map((p) => h("option", { value: p }, p)));
    const userNo = h("input", { id: "code-user", type: "number", min: 1, max: 999, value: 1, style: "width:5em" });
    const code = h("input", { id: "code-new", type: "password", inputmode: "numeric", autocomplete: "off", pattern: "\\d{4,8}", placeholder: "4-8 digits", style: "width:9em" });
    const codeForm = h(
      "form",
      {
        class: "actions",
        id: "code-form",
        onsubmit: async (e) => {
          e.preventDefault();
          const c = code.value;
          code.value = ""; // typed once, never kept or shown again
          try {
            await post(`/api/installations/${id}/remote-commands`, { type: "user-change", panel: panelSel.value, user: Number(userNo.value), code: c });
            toast("Code change sent to the panel (signed command)");
            render();
          } catch (x) {
            toast(x.message, true);
          }
        },
      },
      field("Panel", panelSel),
      field("User", userNo),
      field("New code", code),
      h("button", { type: "submit", id: "send-code" }, "Change code"),
    );

    const wk = schedule?.body.weekly;
    fill(root, 
      h("h1", {}, i.name, " ", h("span", { class: "muted" }, `— ${i.address} · ${tz}`)),
      h(
        "div",
        { class: "grid3" },
        h("div", {}, panelCards.length ? panelCards : h("div", { class: "card muted" }, "No panel attached.")),
        h(
          "div",
          {},
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Contacts"),
            contacts?.body.length ? h("ol", {}, contacts.body.map((c) => h("li", {}, `${c.name}, ${c.phone}${c.availability ? ` (${c.availability.from}-${c.availability.to})` : ""}`))) : h("p", { class: "muted" }, "none"),
            h("p", { class: "muted" }, i.hasCallerPassword ? "Caller password set." : "No caller password."),
          ),
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Schedule"),
            wk ? h("table", {}, h("tbody", {}, Object.entries(wk).map(([d, hrs]) => h("tr", {}, h("td", {}, d), h("td", {}, hrs ? `${hrs.open}-${hrs.close}` : "closed"))))) : h("p", { class: "muted" }, "No opening hours agreed."),
          ),
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Open service tickets"),
            myTickets.length ? h("ul", {}, myTickets.map((t) => h("li", {}, `${t.title} (${t.route}), open `, since(t.openedAt, 0)))) : h("p", { class: "muted" }, "none"),
          ),
        ),
        h(
          "div",
          {},
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Test window"),
            activeNotices.length
              ? h("ul", { id: "test-notices" }, activeNotices.map((n) => h("li", {}, `until ${when(n.end, tz)}${n.zones ? `, zones ${n.zones.join(", ")}` : ", all zones"} (by ${n.announcedBy})`)))
              : h("p", { class: "muted" }, "No test announced."),
            testForm,
          ),
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Change a user's code"),
            codeForm,
            commands.length ? h("ul", { id: "commands" }, commands.slice(-5).reverse().map((c) => h("li", {}, `${c.type} user ${c.user} on ${c.panel}: `, h("strong", {}, c.state), c.error ? ` (${c.error})` : "", ` — ${when(c.createdAt, tz)} by ${c.requestedBy}`))) : null,
          ),
        ),
      ),
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Alarm history"),
        h(
          "table",
          { id: "history" },
          h("thead", {}, h("tr", {}, h("th", {}, "Received (site time)"), h("th", {}, "Event"), h("th", {}, "Class"), h("th", {}, "Outcome"), h("th", {}, "Taken by"), h("th", {}, "Closed by"))),
          h(
            "tbody",
            {},
            history.map((it) =>
              h(
                "tr",
                { dataset: { incident: String(it.incident.id), outcome: it.incident.outcome ?? "open" } },
                h("td", {}, when(it.incident.openedAt, tz)),
                h("td", {}, eventText(it, zoneName)),
                h("td", {}, it.incident.cls),
                h("td", {}, it.incident.state === "open" ? h("a", { href: `#/queue/${it.incident.id}` }, "open") : `${it.incident.outcome}${it.incident.cancelledByCustomer ? " (customer cancelled)" : ""}`),
                h("td", {}, it.take?.by ?? "—"),
                h("td", {}, it.incident.closedBy ?? "—"),
              ),
            ),
          ),
        ),
        history.length ? null : h("p", { class: "muted" }, "No alarms yet."),
      ),
    );
  }

  await render();
  let pending;
  // Never re-render under the operator's fingers: a form being filled in waits until it is left.
  const busy = () => root.contains(document.activeElement) && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
  const later = () => (clearTimeout(pending), (pending = setTimeout(() => (busy() ? later() : render().catch((x) => toast(x.message, true))), 200)));
  const poll = setInterval(later, 15_000); // link state and heartbeats are not on the stream
  return {
    onEvent(type, data) {
      if (type === "snapshot") return;
      if (data && (data.installationId === id || data.installationId === undefined)) later();
    },
    dispose() {
      clearInterval(poll);
      clearTimeout(pending);
    },
  };
}
