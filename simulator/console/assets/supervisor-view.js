// The supervisor's view: the live EN 50518 alarm-handling figure (share of alarms taken within 30 s and
// 60 s, against the targets) with the alarms that missed it, operators on duty, open tasks by age,
// late-to-arm/disarm tasks, and an installation's billing report for a period.
import { get } from "./api.js";
import { field, fill, h, since, when } from "./dom.js";

const pct = (x) => `${(x * 100).toFixed(1)} %`;
const n = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export async function supervisorView({ main }) {
  const root = h("div");
  main.replaceChildren(root);
  const installations = await get("/api/installations");
  const instSel = h("select", { id: "report-installation" }, installations.map((i) => h("option", { value: i.id }, i.name)));
  const days = h("select", { id: "report-days" }, [1, 7, 30, 365].map((d) => h("option", { value: d, selected: d === 30 }, `last ${d} day${d > 1 ? "s" : ""}`)));
  const reportBox = h("div", { id: "report" });

  async function report() {
    if (!instSel.value) return reportBox.replaceChildren(h("p", { class: "muted" }, "No installations."));
    const to = Date.now() + 1;
    const from = to - Number(days.value) * 86_400_000;
    const r = await get(`/api/installations/${instSel.value}/report?from=${from}&to=${to}`);
    const t = r.totals;
    reportBox.replaceChildren(
      h("p", {}, `${n(t.alarms, "alarm")} · ${n(t.tests, "test")} · ${n(t.falseAlarms, "false alarm")} · ${t.cancellations} cancelled by the customer · ${n(t.dispatches, "guard dispatch", "guard dispatches")} · `, h("strong", {}, `${t.billableItems} billable`)),
      r.billing.length
        ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "Item"), h("th", {}, "Alarm"), h("th", {}, "Note"))), h("tbody", {}, r.billing.map((b) => h("tr", {}, h("td", {}, when(b.at)), h("td", {}, b.kind), h("td", {}, b.incidentId ? `#${b.incidentId}` : "—"), h("td", {}, b.note)))))
        : h("p", { class: "muted" }, "Nothing to bill in this period."),
      h("a", { href: `/api/installations/${instSel.value}/report?from=${from}&to=${to}&format=csv`, download: `report-${instSel.value}.csv` }, "Download as CSV"),
    );
  }
  instSel.addEventListener("change", report);
  days.addEventListener("change", report);

  async function render() {
    const o = await get("/api/supervisor/overview");
    const f = o.handling;
    const figure = (share, target, label) => h("div", {}, h("div", { class: `big ${share >= target ? "meet" : "miss"}` }, pct(share)), h("div", { class: "muted" }, `${label} (target ${pct(target)})`));
    fill(root, 
      h(
        "div",
        { class: "grid2" },
        h(
          "section",
          { class: "card", id: "handling" },
          h("h2", {}, "Alarm handling, last 24 h (EN 50518)"),
          h("div", { class: "grid3" }, figure(f.share30s, f.targets.share30s, "taken within 30 s"), figure(f.share60s, f.targets.share60s, "taken within 60 s"), h("div", {}, h("div", { class: "big" }, String(f.alarms)), h("div", { class: "muted" }, "alarms"))),
          h("h3", {}, "Missed 60 s"),
          f.missed.length
            ? h("ul", { id: "missed" }, f.missed.map((m) => h("li", {}, `#${m.incidentId} ${m.title}: received ${when(m.openedAt)}, `, m.takenAt ? `taken after ${Math.round((m.takenAt - m.openedAt) / 1000)} s by ${m.takenBy}` : h("strong", {}, "not taken yet"))))
            : h("p", { class: "muted" }, "none"),
        ),
        h(
          "section",
          { class: "card" },
          h("h2", {}, "Operators on duty"),
          o.onDuty.length ? h("ul", { id: "on-duty" }, o.onDuty.map((d) => h("li", {}, `${d.username} (${d.role}), logged in `, since(d.since, 0), " ago"))) : h("p", { class: "muted" }, "nobody"),
          h("h2", {}, "Late to arm or disarm"),
          o.lateArm.length ? h("ul", {}, o.lateArm.map((i) => h("li", {}, h("a", { href: `#/queue/${i.id}` }, i.title), " — waiting ", since(i.openedAt, 0)))) : h("p", { class: "muted" }, "none"),
        ),
      ),
      h(
        "section",
        { class: "card" },
        h("h2", {}, "Open tasks, oldest first"),
        o.openTasks.length
          ? h(
              "table",
              { id: "open-tasks" },
              h("thead", {}, h("tr", {}, h("th", {}, "Waiting"), h("th", {}, "Installation"), h("th", {}, "Alarm"), h("th", {}, "Task"), h("th", {}, "State"))),
              h("tbody", {}, o.openTasks.map((t) => h("tr", {}, h("td", {}, since(Date.now() - t.waitingMs, 60_000)), h("td", {}, t.installation), h("td", {}, h("a", { href: `#/queue/${t.task.incidentId}` }, t.incidentTitle)), h("td", {}, `${t.task.kind}${t.task.target.name ? ` ${t.task.target.name}` : ""}`), h("td", {}, t.task.state)))),
            )
          : h("p", { class: "muted" }, "No open tasks."),
      ),
      h("section", { class: "card" }, h("h2", {}, "Billing report"), h("div", { class: "actions" }, field("Installation", instSel), field("Period", days)), reportBox),
    );
    await report();
  }

  await render();
  let pending;
  const busy = () => root.contains(document.activeElement) && /^(SELECT)$/.test(document.activeElement.tagName);
  const later = () => (clearTimeout(pending), (pending = setTimeout(() => (busy() ? later() : render()), 300)));
  const poll = setInterval(later, 10_000);
  return {
    onEvent(type) {
      if (type === "incident") later();
    },
    dispose() {
      clearInterval(poll);
      clearTimeout(pending);
    },
  };
}
