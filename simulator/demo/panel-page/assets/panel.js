// The simulated panel's page: draws the state the server pushes (server-sent events) and posts key
// presses, zone switches and the line switch. No framework: a handful of elements, redrawn on each push.
const $ = (id) => document.getElementById(id);
const post = (url, body) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.ok || r.json().then((e) => alert(e.message)));
const el = (tag, attrs = {}, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const key = (k) => post("/key", { key: k });

for (const k of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "clear"]) {
  const b = el("button", { "data-key": k, "aria-label": k === "clear" ? "clear" : `digit ${k}` }, k === "clear" ? "Clear" : k);
  b.addEventListener("click", () => key(k));
  $("keys").append(b);
}
for (const [k, label] of [["away", "Away"], ["stay", "Stay"], ["night", "Night"], ["off", "Off"], ["panic", "Panic"]]) {
  const b = el("button", { "data-key": k, class: k === "panic" ? "panic" : "" }, label);
  b.addEventListener("click", () => (k !== "panic" || confirm("Send a panic (hold-up) alarm to the centre?")) && key(k));
  $("fn-keys").append(b);
}
$("link-cut").addEventListener("click", () => post("/link", { up: false }));
$("link-restore").addEventListener("click", () => post("/link", { up: true }));
document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.tagName === "INPUT") return;
  if (/^[0-9*]$/.test(e.key)) key(e.key);
  else if (e.key === "Enter" && e.target.tagName !== "BUTTON") key("off");
  else if (e.key === "Backspace") key("clear");
});

function draw(s) {
  $("panel-id").textContent = s.panel;
  if (s.consoleUrl) ($("console-link").href = s.consoleUrl), ($("console-link").hidden = false);
  $("display").textContent = s.display;
  $("display").classList.toggle("alarm", s.display.startsWith("ALARM"));
  $("digits").textContent = "•".repeat(s.digits);
  for (const [name, on] of Object.entries(s.outputs)) {
    const n = $(`led-${name}`) ?? $(`out-${name}`);
    n?.classList.toggle("on", on);
    n?.setAttribute("aria-label", `${name} ${on ? "on" : "off"}`);
  }
  $("areas").replaceChildren(
    ...s.areas.map((a) => {
      const d = el("div", { class: `area ${a.alarm ? "alarm" : a.phase !== "disarmed" ? "armed" : ""}`, "data-area": a.area }, `${a.name}: ${a.text}${a.alarm ? " — ALARM" : ""}`);
      if (a.memory.length) d.append(el("div", { class: "hint" }, `alarm memory: ${a.memory.join(", ")}`));
      return d;
    }),
  );
  $("zones").replaceChildren(
    ...s.zones.map((z) => {
      const row = el("div", { class: "zone" });
      const label = el("span", {}, `${z.zone} ${z.name} `);
      label.append(el("span", { class: "type" }, z.type));
      const b = el("button", { class: `switch${z.open ? " open" : ""}`, "data-zone": z.zone, "aria-pressed": String(z.open) }, z.open ? "open" : "closed");
      b.addEventListener("click", () => post("/zone", { zone: z.zone, open: !z.open }));
      row.append(label, b);
      return row;
    }),
  );
  const l = s.link;
  const state = l.cut ? ["down", "cut"] : l.up ? ["up", "connected"] : ["down", "reconnecting…"];
  const info = el("div");
  info.append(el("span", { class: `linkstate ${state[0]}`, id: "link-state" }, state[1]), ` · ${l.outbox} event${l.outbox === 1 ? "" : "s"} waiting in the outbox`);
  $("link").replaceChildren(info);
  $("link-cut").disabled = l.cut;
  $("link-restore").disabled = !l.cut;
  $("log").replaceChildren(...s.log.map((t) => el("li", {}, t)));
}

fetch("/state").then((r) => r.json()).then(draw);
new EventSource("/events").onmessage = (ev) => draw(JSON.parse(ev.data));
