// Load: CLIENTS concurrent socket.io clients through the emulator and the functions. Every client acks
// one message and receives one namespace broadcast; both counts are asserted. Figures are printed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const CLIENTS = Number(process.env.CLIENTS ?? 1000);
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

// Bounds a stage; the timer is cleared so it does not keep the process alive.
async function within(ms, what, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

test(`${CLIENTS} concurrent clients: no lost acks or broadcasts`, async () => {
  const neg = await (await fetch(`${APP_URL}/api/negotiate`)).json();
  const t0 = performance.now();
  let received = 0;
  const allReceived = new Promise((resolve) => {
    for (let i = 0; i < CLIENTS; i++) {
      const s = io(neg.endpoint, {
        path: neg.path,
        query: { access_token: neg.token },
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
      });
      s.on("load news", () => {
        received += 1;
        if (received === CLIENTS) resolve();
      });
      sockets.push(s);
    }
  });
  await within(60000, "connecting", Promise.all(sockets.map((s) => new Promise((resolve, reject) => {
    s.once("connect", resolve);
    s.once("connect_error", reject);
  }))));
  const t1 = performance.now();

  const acks = await within(60000, "acks", Promise.all(sockets.map((s, i) => s.timeout(30000).emitWithAck("echo", i))));
  const t2 = performance.now();
  assert.equal(acks.length, CLIENTS);
  acks.forEach((value, i) => assert.equal(value, i));

  sockets[0].emit("broadcast", "load news", "to everyone");
  await within(60000, "broadcast", allReceived);
  const t3 = performance.now();
  assert.equal(received, CLIENTS);

  console.log(
    `FIGURES clients=${CLIENTS} connect_all_ms=${(t1 - t0).toFixed(0)} acks_ms=${(t2 - t1).toFixed(0)} ` +
      `ack_rate_per_s=${((CLIENTS * 1000) / (t2 - t1)).toFixed(0)} broadcast_ms=${(t3 - t2).toFixed(0)} ` +
      `delivered=${acks.length + received}`,
  );
});
