// The output benchmark's third sender: Microsoft's Node SDK (@azure/web-pubsub, the version the
// end-to-end tests pin in tests/e2e), the same namespace emit as `output-send`:
// `hub.group("0~Lw~").sendToAll('42["news","hello"]', { contentType: "text/plain" })`.
// Env: PORT, CONCURRENCY, WARMUP, SECONDS. Prints one JSON line like output-send.
import { createRequire } from "node:module";

const require = createRequire(new URL("../../tests/e2e/package.json", import.meta.url));
const { WebPubSubServiceClient } = require("@azure/web-pubsub");

const port = Number(process.env.PORT ?? 18201);
const concurrency = Number(process.env.CONCURRENCY ?? 1);
const warmup = Number(process.env.WARMUP ?? 1) * 1000;
const seconds = Number(process.env.SECONDS ?? 3);
const key = "7aab239577fd4f24bc919802fb629f5f7aab239577fd";
const hub = new WebPubSubServiceClient(
  `Endpoint=http://127.0.0.1;Port=${port};AccessKey=${key};Version=1.0;`,
  "hub",
  { allowInsecureConnection: true },
);
const group = hub.group("0~Lw~");

const start = performance.now();
const measureFrom = start + warmup;
const end = measureFrom + seconds * 1000;
let cpuBefore;
setTimeout(() => { cpuBefore = process.cpuUsage(); }, warmup);

async function loop() {
  let counted = 0;
  for (;;) {
    const now = performance.now();
    if (now >= end) return counted;
    await group.sendToAll('42["news","hello"]', { contentType: "text/plain" });
    if (now >= measureFrom) counted += 1;
  }
}

const counts = await Promise.all(Array.from({ length: concurrency }, loop));
const cpu = process.cpuUsage(cpuBefore);
const sends = counts.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  sender: "sdk",
  concurrency,
  sends,
  sends_per_s: Math.round(sends / seconds),
  cpu_us_per_send: Number(((cpu.user + cpu.system) / Math.max(sends, 1)).toFixed(2)),
}));
