// The emulator's heartbeat and accepted namespaces, set by its configuration (tests/tests/server_api.rs
// starts it with a 200 ms ping interval and the namespaces `/` and `/second`).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function open(namespace) {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=hb`)).json();
  const s = io(neg.endpoint + namespace, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  return s;
}

test("pings come at the configured interval", async () => {
  const s = await open("");
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  let pings = 0;
  s.io.engine.on("ping", () => { pings += 1; });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.ok(pings >= 3 && pings <= 7, `${pings} pings in 1.1 s at a 200 ms interval`);
  assert.equal(s.connected, true, "the client answers every ping in time");
});

test("a namespace outside the list is refused as a Socket.IO server refuses it", async () => {
  const ok = await open("/second");
  await new Promise((resolve, reject) => { ok.once("connect", resolve); ok.once("connect_error", reject); });
  const refused = await open("/elsewhere");
  const err = await new Promise((resolve, reject) => { refused.once("connect", () => reject(new Error("connected"))); refused.once("connect_error", resolve); });
  assert.equal(err.message, "Invalid namespace");
});
