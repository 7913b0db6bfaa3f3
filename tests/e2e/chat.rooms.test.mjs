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

test("presence, direct messages to every tab, and a question the room answers", async () => {
  const [tab1, tab2, bob, mute] = await Promise.all([client("dana"), client("dana"), client("bob"), client("mute")]);
  for (const s of [tab1, tab2, bob, mute]) assert.deepEqual(await s.timeout(5000).emitWithAck("join", "book club"), true);
  assert.deepEqual(await bob.timeout(5000).emitWithAck("who", "book club"), ["bob", "dana", "dana", "mute"]);
  const both = Promise.all([tab1, tab2].map((s) => new Promise((resolve) => s.once("dm", (...args) => resolve(args)))));
  assert.deepEqual(await bob.timeout(5000).emitWithAck("dm", "dana", "page 42?"), "ok");
  assert.deepEqual(await both, [["bob", "page 42?"], ["bob", "page 42?"]]);
  tab1.on("question", (q, ack) => ack(`yes (${q})`));
  tab2.on("question", (q, ack) => ack("yes"));
  bob.on("question", (q, ack) => ack("no"));
  mute.on("question", () => {}); // never answers: absent from the answers
  const answers = await bob.timeout(5000).emitWithAck("ask", "book club", "ready?");
  assert.deepEqual([...answers].sort(), ["no", "yes", "yes (ready?)"]);
});
