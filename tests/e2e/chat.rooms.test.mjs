// The chat example through the embedded emulator: an HTTP route sends to a room (only its members get
// the message), and a counter kept by a function is read by another route.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function client(user) {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=${user}`)).json();
  const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  return s;
}

const collect = (s) => { const got = []; s.on("new message", (...args) => got.push(args)); return got; };

test("POST /api/broadcast reaches exactly the room", async () => {
  const [inRoom, outside] = await Promise.all([client("alice"), client("bob")]);
  const gotIn = collect(inRoom);
  const gotOut = collect(outside);
  assert.deepEqual(await inRoom.timeout(5000).emitWithAck("join", "lobby"), true);
  const delivered = new Promise((resolve) => inRoom.once("new message", resolve));
  const res = await fetch(`${APP_URL}/api/broadcast`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ room: "lobby", text: "doors open" }),
  });
  assert.equal(res.status, 202, await res.text());
  await delivered;
  // A namespace-wide message after it: when `outside` has it, it would have had the room message too.
  const barrier = new Promise((resolve) => outside.once("new message", resolve));
  assert.deepEqual(await outside.timeout(5000).emitWithAck("new message", "after"), "ok");
  await barrier;
  assert.deepEqual(gotIn[0], ["server", "doors open"]);
  assert.deepEqual(gotOut, [["bob", "after"]], "outside the room: only the namespace message");
  const bad = await fetch(`${APP_URL}/api/broadcast`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(bad.status, 400);
});

test("GET /api/stats reads the count the function keeps", async () => {
  const before = (await (await fetch(`${APP_URL}/api/stats`)).json()).messages;
  const s = await client("carol");
  for (const text of ["one", "two", "three"]) {
    assert.deepEqual(await s.timeout(5000).emitWithAck("new message", text), "ok");
  }
  const after = (await (await fetch(`${APP_URL}/api/stats`)).json()).messages;
  assert.equal(after - before, 3);
});
