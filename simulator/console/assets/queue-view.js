// The live alarm queue (priority, then age) and the work on one alarm: take it, work its action plan
// task by task (call outcome, guard dispatch, note), close it as real or false, or cancel it with the
// caller password. Everything works from the keyboard: the keys are listed under the queue.
import { get, post } from "./api.js";
import { fill, h, priorityBadge, since, toast, when } from "./dom.js";

const KIND = {
  "call-contact": "Call contact",
  "call-premises": "Call the premises",
  guard: "Guard dispatch",
  police: "Call the police",
  "fire-brigade": "Call the fire brigade",
  notify: "Notify",
};
const OUTCOME = {
  answered: "answered",
  "no-answer": "no answer",
  "cancelled-by-customer": "cancelled by customer",
  "guard-on-site": "guard on site",
  "guard-report": "guard report",
  sent: "sent",
  skipped: "skipped",
  closed: "closed",
};

export function eventText(item, zoneName) {
  const name = item.eventName ?? item.incident.title;
  const zone = item.zone !== null ? `zone ${item.zone}${zoneName(item.incident.panel, item.zone) ? ` ${zoneName(item.incident.panel, item.zone)}` : ""}` : item.user !== null ? `user ${item.user}` : "";
  return [name, zone].filter(Boolean).join(" · ");
}

function currentTask(inc) {
  return inc.tasks.find((t) => t.state === "open" || t.state === "in-progress");
}

export async function queueView(ctx, selectId) {
  const { main, me, zoneName } = ctx;
  let items = [];
  let selected = selectId;
  let refreshing = false;
  let again = false;

  const list = h("tbody");
  const detail = h("section", { class: "card", id: "incident", "aria-live": "polite" });
  const count = h("span", { class: "muted" });
  main.replaceChildren(
    h(
      "div",
      { class: "cols" },
      h(
        "section",
        { class: "card" },
        h("h1", {}, "Alarm queue ", count),
        h("table", { id: "queue" }, h("thead", {}, h("tr", {}, h("th", {}, "Priority"), h("th", {}, "Waiting"), h("th", {}, "Installation / event"), h("th", {}, "Taken"))), list),
        h("p", { class: "help" }, "Keys: ↑/↓ or j/k choose · Enter or t take · a answered · n no answer · d run the task (call / dispatch guard) · o note · c close as real · f close as false · x customer cancel · Esc back to the list"),
      ),
      detail,
    ),
  );

  async function refresh() {
    if (refreshing) return void (again = true);
    refreshing = true;
    try {
      items = await get("/api/queue");
      // A closed alarm leaves the queue: the next one (highest priority, oldest) is chosen.
      if (!items.some((i) => i.incident.id === selected)) selected = items[0]?.incident.id;
      renderList();
      await renderDetail();
    } finally {
      refreshing = false;
      if (again) (again = false), refresh();
    }
  }

  function renderList() {
    count.textContent = `(${items.length} open)`;
    if (!items.length) {
      list.replaceChildren(h("tr", {}, h("td", { colspan: 4, class: "empty" }, "No open alarms. New alarms appear here by themselves.")));
      return;
    }
    list.replaceChildren(
      ...items.map((it) =>
        h(
          "tr",
          {
            class: `row${it.incident.id === selected ? " selected" : ""}`,
            tabindex: 0,
            dataset: { incident: String(it.incident.id) },
            onclick: () => select(it.incident.id),
            onfocus: () => it.incident.id !== selected && select(it.incident.id),
            onkeydown: (e) => e.key === "Enter" && (e.stopPropagation(), take()),
          },
          h("td", {}, priorityBadge(it.priority)),
          h("td", {}, since(it.incident.openedAt, it.take ? 0 : 30_000)),
          h("td", {}, h("div", {}, h("strong", {}, it.installation.name)), h("div", { class: "ev" }, eventText(it, zoneName)), h("div", { class: "muted" }, `#${it.incident.id} · ${it.incident.cls} · ${when(it.incident.openedAt, it.installation.timeZone)} local`)),
          h("td", {}, it.take ? `${it.take.by}` : h("span", { class: "badge p0" }, "not taken")),
        ),
      ),
    );
  }

  function select(id, focus = true) {
    selected = id;
    renderList();
    renderDetail();
    if (focus) list.querySelector(`tr[data-incident="${id}"]`)?.focus();
  }

  const sel = () => items.find((i) => i.incident.id === selected);

  async function act(fn, done) {
    try {
      await fn();
      if (done) toast(done);
      await refresh();
    } catch (x) {
      toast(x.message, true);
    }
  }

  const take = () => sel() && act(() => post(`/api/incidents/${selected}/take`), `Alarm #${selected} taken`).then(() => detail.querySelector("button.primary, button")?.focus());
  const noteText = () => detail.querySelector("#note")?.value.trim() || undefined;
  const record = (outcome) => {
    const t = sel() && currentTask(sel().incident);
    if (t) act(() => post(`/api/tasks/${t.id}/outcome`, { outcome, note: noteText() }), `${KIND[t.kind]}: ${OUTCOME[outcome]}`);
  };
  const run = () => {
    const t = sel() && currentTask(sel().incident);
    if (t && t.state === "open") act(() => post(`/api/tasks/${t.id}/run`), t.kind === "guard" ? "Guard dispatched" : `${KIND[t.kind]} done`);
  };
  const close = (falseAlarm) => sel() && act(() => post(`/api/incidents/${selected}/close`, { falseAlarm, note: noteText() }), `Alarm #${selected} closed as ${falseAlarm ? "a false alarm" : "real"}`).then(() => list.querySelector("tr.selected")?.focus());

  async function renderDetail() {
    const it = sel();
    if (!it) {
      detail.replaceChildren(h("h2", {}, "No alarm chosen"), h("p", { class: "muted" }, "Choose an alarm in the queue to see its action plan."));
      return;
    }
    const inc = it.incident;
    const mine = it.take?.by === me.username;
    const cur = currentTask(inc);
    let contacts = null;
    try {
      contacts = (await get(`/api/incidents/${inc.id}/plan`)).contacts;
    } catch {}
    if (sel()?.incident.id !== inc.id) return;
    const pwd = h("input", { id: "caller-password", type: "password", autocomplete: "off", placeholder: "caller password", "aria-label": "caller password" });
    const taskRow = (t) => {
      const isCur = t === cur;
      const target = [t.target.name, t.target.phone, t.target.to].filter(Boolean).join(" · ");
      const buttons = [];
      if (isCur && mine && t.state === "open") {
        if (t.kind === "guard") buttons.push(h("button", { class: "primary", id: "run-task", onclick: run }, "Dispatch guard (d)"));
        else if (t.kind === "notify") buttons.push(h("button", { class: "primary", id: "run-task", onclick: run }, "Send (d)"));
        else {
          buttons.push(h("button", { id: "run-task", onclick: run }, "Call now (d)"));
          buttons.push(h("button", { class: "good", id: "answered", onclick: () => record("answered") }, "Answered (a)"));
          buttons.push(h("button", { id: "no-answer", onclick: () => record("no-answer") }, "No answer (n)"));
        }
      }
      return h(
        "div",
        { class: `task${isCur ? " current" : ""}${t.state === "done" || t.state === "cancelled" ? " done" : ""}`, dataset: { task: String(t.id), kind: t.kind, state: t.state } },
        h("div", {}, h("span", { class: "kind" }, `${t.step + 1}. ${KIND[t.kind] ?? t.kind}`), target ? ` — ${target}` : "", " ", h("span", { class: "badge" }, t.state)),
        t.outcome || t.note || t.ref ? h("div", { class: "muted" }, [t.outcome && OUTCOME[t.outcome], t.ref, t.note, t.operator && `by ${t.operator}`].filter(Boolean).join(" · ")) : null,
        buttons.length ? h("div", { class: "actions" }, buttons) : null,
      );
    };
    // Keep what the operator is typing (note, caller password) and where the focus is across a refresh.
    const same = detail.dataset.incident === String(inc.id);
    const draft = same ? detail.querySelector("#note")?.value : "";
    const typed = same ? detail.querySelector("#caller-password")?.value : "";
    const focusId = same && detail.contains(document.activeElement) ? document.activeElement.id : "";
    detail.dataset.incident = String(inc.id);
    fill(detail,
      h("h2", {}, priorityBadge(it.priority), " ", eventText(it, zoneName), " ", h("span", { class: "muted" }, `#${inc.id}`)),
      h(
        "dl",
        { class: "kv" },
        h("dt", {}, "Installation"),
        h("dd", {}, h("a", { href: `#/installation/${it.installation.id}` }, it.installation.name), ` — ${it.installation.address}`),
        h("dt", {}, "Received"),
        h("dd", {}, `${when(inc.openedAt, it.installation.timeZone)} site time (`, since(inc.openedAt, 0), " ago)"),
        h("dt", {}, "Panel / class"),
        h("dd", {}, `${inc.panel ?? "—"} · ${inc.cls} · Contact ID ${it.code ?? "—"}`),
        h("dt", {}, "Taken by"),
        h("dd", {}, it.take ? `${it.take.by} at ${when(it.take.at)}` : "nobody yet"),
        contacts ? h("dt", {}, "Contacts") : null,
        contacts ? h("dd", {}, contacts.map((c) => `${c.name} ${c.phone}`).join(" · ") || "none") : null,
      ),
      !it.take
        ? h("div", { class: "actions" }, h("button", { class: "primary", id: "take", onclick: take }, "Take this alarm (t)"))
        : !mine
          ? h("p", { class: "muted" }, `Being worked by ${it.take.by}.`)
          : null,
      h("h3", {}, "Action plan"),
      inc.tasks.length ? inc.tasks.map(taskRow) : h("p", { class: "muted" }, "No tasks."),
      mine
        ? h(
            "div",
            {},
            h("h3", {}, "Note and close"),
            h("textarea", { id: "note", placeholder: "note for the record (o)", maxlength: 2000 }),
            h(
              "div",
              { class: "actions" },
              h("button", { class: "danger", id: "close-real", onclick: () => close(false) }, "Close as real alarm (c)"),
              h("button", { id: "close-false", onclick: () => close(true) }, "Close as false alarm (f)"),
            ),
            h(
              "form",
              {
                class: "actions",
                id: "cancel-form",
                onsubmit: (e) => {
                  e.preventDefault();
                  const password = pwd.value;
                  pwd.value = "";
                  act(() => post(`/api/incidents/${inc.id}/cancel`, { password, note: noteText() }), `Alarm #${inc.id} cancelled by the customer (false alarm)`).then(() => list.querySelector("tr.selected")?.focus());
                },
              },
              h("label", {}, "Customer calls to cancel (x)", pwd),
              h("button", { type: "submit", id: "cancel-submit" }, "Cancel as false alarm"),
            ),
          )
        : null,
    );
    if (draft && detail.querySelector("#note")) detail.querySelector("#note").value = draft;
    if (typed) pwd.value = typed;
    if (focusId) detail.querySelector(`#${focusId}`)?.focus();
  }

  function move(d) {
    if (!items.length) return;
    const i = Math.max(0, items.findIndex((x) => x.incident.id === selected));
    select(items[Math.min(items.length - 1, Math.max(0, i + d))].incident.id);
  }

  await refresh();
  list.querySelector("tr.selected")?.focus();
  return {
    onEvent(type) {
      if (type === "incident" || type === "snapshot") refresh();
    },
    onKey(e, typing) {
      if (e.key === "Escape") {
        e.target.blur?.();
        list.querySelector("tr.selected")?.focus();
        return;
      }
      if (typing) return;
      const k = e.key;
      const keys = {
        ArrowDown: () => move(1),
        j: () => move(1),
        ArrowUp: () => move(-1),
        k: () => move(-1),
        Enter: take,
        t: take,
        a: () => record("answered"),
        n: () => record("no-answer"),
        d: run,
        c: () => close(false),
        f: () => close(true),
        o: () => detail.querySelector("#note")?.focus(),
        x: () => detail.querySelector("#caller-password")?.focus(),
      };
      if (keys[k] && !(k === "Enter" && /^(BUTTON|A)$/.test(e.target.tagName))) {
        e.preventDefault();
        keys[k]();
      }
    },
  };
}
