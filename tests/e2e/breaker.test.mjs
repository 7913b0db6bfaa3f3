// A hanging app (driven by tests/tests/hardening.rs): queued events fail fast once the emulator knows
// the app is down, and go through again after the cool-down.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const { APP_URL } = process.env;
let socket;
after(() => socket?.close());

test("a hanging app fails queued events fast once it is known to be down", async () => {
  const n = await (await fetch(`${APP_URL}/api/negotiate`)).json();
  socket = io(n.endpoint, { path: n.path, query: { access_token: n.token }, forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  const acks = await Promise.all([1, 2, 3, 4, 5].map(() => socket.timeout(10000).emitWithAck("hang")));
  const timedOut = acks.filter((a) => /timed out/.test(a.error ?? ""));
  const fast = acks.filter((a) => /is not answering/.test(a.error ?? ""));
  assert.equal(timedOut.length, 3, JSON.stringify(acks));
  assert.equal(fast.length, 2, JSON.stringify(acks));
  // After the cool-down, events go through again.
  await new Promise((resolve) => setTimeout(resolve, 1700));
  assert.equal(await socket.timeout(5000).emitWithAck("echo", "back"), "back");
});

test("a full queue failed at once reaches the client as one error ack per event", async () => {
  // QUEUE_CAPACITY events wait behind a hanging app; once the breaker opens they all fail in a burst,
  // far more packets than Socket.IO's default per-socket buffer (128) holds. Every one must arrive.
  const n = await (await fetch(`${APP_URL}/api/negotiate`)).json();
  const s = io(n.endpoint, { path: n.path, query: { access_token: n.token }, forceNew: true, reconnection: false });
  try {
    await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
    const acks = await Promise.all(Array.from({ length: 1024 }, () => s.timeout(20000).emitWithAck("hang")));
    const errors = acks.filter((a) => typeof a?.error === "string");
    assert.equal(errors.length, 1024, JSON.stringify(acks.slice(0, 3)));
    assert.ok(s.connected, "the socket stays connected");
  } finally {
    s.close();
  }
});
