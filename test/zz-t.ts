import { benchReceivers } from "../simulator/centre/receiver/receiver-bench.js";
for (const n of [1, 2]) console.log(await benchReceivers({ receivers: n, panels: 100, framesPerPanel: 10 }));
process.exit(0);
