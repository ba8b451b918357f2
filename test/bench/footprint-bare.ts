/** The baseline process of figure 4: plain node and nothing else; same measurements as footprint-panel.ts. */
const readyMs = performance.now();
const rssMb = process.memoryUsage().rss / 2 ** 20;
const idleMs = Number(process.argv[2] ?? "5000");
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, idleMs));
const c1 = process.cpuUsage(c0);
process.send?.({ readyMs, rssMb, idleCpuPct: (100 * (c1.user + c1.system)) / 1000 / (performance.now() - t0) });
process.exit(0);
