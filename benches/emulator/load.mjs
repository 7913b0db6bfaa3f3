// The emulator benchmark's load: real socket.io-client sockets (websocket transport) against one
// server, socket.io's own Node server or an app with the embedded emulator, measured in phases:
//   connects   CLIENTS sockets, IN_FLIGHT at a time: connects per second and the server's CPU per connect
//   memory     the server's resident memory with the CLIENTS sockets idle, minus before: bytes per socket
//   fan-out    BROADCASTS `broadcast` events, each `news` to every socket: deliveries per second
//   round trip ACKERS sockets, each ROUND_TRIPS `echo`s acked in sequence: p50 and p99
// Env: SERVER (label), URL (the server's base URL), NEGOTIATE=1 to take endpoint, path and token from
// URL/api/negotiate (the app), SERVER_PID (for CPU and memory, read from /proc). Prints one JSON line.
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const CLIENTS = env("CLIENTS", 1000);
const IN_FLIGHT = env("IN_FLIGHT", 50);
const BROADCASTS = env("BROADCASTS", 20);
const ACKERS = env("ACKERS", 20);
const ROUND_TRIPS = env("ROUND_TRIPS", 200);
const pid = process.env.SERVER_PID;
const ticksPerSecond = 100;

const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
const rssBytes = () => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) * 1024;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const within = (ms, what, promise) => {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
};

let target = { endpoint: process.env.URL, path: "/socket.io", query: {} };
if (process.env.NEGOTIATE === "1") {
  const neg = await (await fetch(`${process.env.URL}/api/negotiate`)).json();
  target = { endpoint: neg.endpoint, path: neg.path, query: { access_token: neg.token } };
}
const open = () => new Promise((resolve, reject) => {
  const s = io(target.endpoint, {
    path: target.path,
    query: target.query,
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });
  s.once("connect", () => resolve(s));
  s.once("connect_error", reject);
});

// Warm-up: a few sockets come and go (connection pools, allocator arenas, JIT).
for (let i = 0; i < 5; i++) (await open()).close();
await sleep(500);

const rssBefore = rssBytes();
const sockets = [];
const cpu0 = cpuSeconds();
const t0 = performance.now();
await within(120000, "connecting", (async () => {
  while (sockets.length < CLIENTS) {
    const n = Math.min(IN_FLIGHT, CLIENTS - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: n }, open))));
  }
})());
const connectSeconds = (performance.now() - t0) / 1000;
const connectCpu = cpuSeconds() - cpu0;
await sleep(2000);
const rssIdle = rssBytes();

let delivered = 0;
const expected = CLIENTS * BROADCASTS;
const allDelivered = new Promise((resolve) => {
  for (const s of sockets) {
    s.on("news", () => {
      delivered += 1;
      if (delivered === expected) resolve();
    });
  }
});
const cpu1 = cpuSeconds();
const t1 = performance.now();
for (let i = 0; i < BROADCASTS; i++) sockets[0].emit("broadcast", `news ${i}`);
await within(120000, "fan-out", allDelivered);
const fanOutSeconds = (performance.now() - t1) / 1000;
const fanOutCpu = cpuSeconds() - cpu1;

const latencies = [];
const cpu2 = cpuSeconds();
await within(120000, "round trips", Promise.all(sockets.slice(0, ACKERS).map(async (s, k) => {
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = performance.now();
    const value = await s.timeout(10000).emitWithAck("echo", k * ROUND_TRIPS + i);
    latencies.push(performance.now() - start);
    if (value !== k * ROUND_TRIPS + i) throw new Error(`echo ${value}`);
  }
})));
const roundTripCpu = cpuSeconds() - cpu2;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
sockets.forEach((s) => s.close());

console.log(JSON.stringify({
  server: process.env.SERVER,
  connects_per_s: Math.round(CLIENTS / connectSeconds),
  cpu_us_per_connect: Math.round((connectCpu * 1e6) / CLIENTS),
  bytes_per_idle_socket: Math.round((rssIdle - rssBefore) / CLIENTS),
  deliveries_per_s: Math.round(expected / fanOutSeconds),
  cpu_us_per_delivery: Number(((fanOutCpu * 1e6) / expected).toFixed(2)),
  ack_p50_ms: Number(pct(0.5).toFixed(3)),
  ack_p99_ms: Number(pct(0.99).toFixed(3)),
  cpu_us_per_round_trip: Math.round((roundTripCpu * 1e6) / (ACKERS * ROUND_TRIPS)),
}));
process.exit(0);
