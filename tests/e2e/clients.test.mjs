// End-to-end tests with the Node socket.io-client against the emulator and the functions of
// tests/tests/node_clients.rs. APP_URL is the function app; tokens come from its negotiate function.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const opened = [];
after(() => opened.forEach((s) => s.close()));

async function negotiate(userId) {
  const res = await fetch(`${APP_URL}/api/negotiate${userId ? `?userId=${encodeURIComponent(userId)}` : ""}`);
  assert.equal(res.status, 200);
  return res.json();
}

function open(neg, { token = neg.token, query = {}, auth } = {}) {
  // forceNew: the client caches managers per host, not per path or query.
  const socket = io(neg.endpoint, { path: neg.path, query: { access_token: token, ...query }, auth, forceNew: true });
  opened.push(socket);
  return socket;
}

const once = (socket, event, ms = 5000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });

async function connected(userId) {
  const socket = open(await negotiate(userId));
  await once(socket, "connect");
  return socket;
}

// Emits with an ack and resolves with all ack arguments (emitWithAck gives only the first).
const ack = (socket, event, ...args) =>
  new Promise((resolve, reject) =>
    socket.timeout(10000).emit(event, ...args, (err, ...reply) => (err ? reject(err) : resolve(reply))),
  );

// Collects every `event` a socket receives.
function collect(socket, event) {
  const got = [];
  socket.on(event, (...args) => got.push(args));
  return got;
}

// Per-socket delivery is ordered: once `marker` arrives, everything sent before it has arrived too.
async function barrier(sender, sockets) {
  const tag = `marker-${Math.random()}`;
  const waits = sockets.map(async (s) => {
    for (;;) {
      const [text] = await once(s, "marker");
      if (text === tag) return;
    }
  });
  sender.emit("broadcast", "marker", tag);
  await Promise.all(waits);
}

test("negotiate returns endpoint, path, token and url", async () => {
  const neg = await negotiate("alice");
  assert.match(neg.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(neg.path, "/clients/socketio/hubs/e2e");
  assert.equal(neg.url, `${neg.endpoint}${neg.path}?access_token=${neg.token}`);
});

test("connect and emit with ack: the function's ack reaches the callback", async () => {
  const socket = await connected("alice");
  const reply = await ack(socket, "echo", { a: 1 }, "two", [3]);
  assert.deepEqual(reply, [{ a: 1 }, "two", [3], "alice"]);
  // Callback style without timeout, several ack arguments.
  const args = await new Promise((resolve) => socket.emit("echo", "x", 2, (...a) => resolve(a)));
  assert.deepEqual(args, ["x", 2, "alice"]);
  // emitWithAck resolves with the first ack argument.
  assert.equal(await socket.timeout(5000).emitWithAck("echo", "first"), "first");
});

test("the token may come in the auth payload", async () => {
  const neg = await negotiate("bob");
  const socket = io(neg.endpoint, { path: neg.path, auth: { token: neg.token }, forceNew: true });
  opened.push(socket);
  await once(socket, "connect");
  assert.deepEqual(await ack(socket, "echo"), ["bob"]);
});

test("broadcast to the namespace reaches every client", async () => {
  const a = await connected("a");
  const b = await connected("b");
  const got = [once(a, "news"), once(b, "news")];
  a.emit("broadcast", "news", "hello all");
  assert.deepEqual(await Promise.all(got), [["hello all"], ["hello all"]]);
});

test("rooms: join, room broadcast with except rooms, leave", async () => {
  const a = await connected("ra");
  const b = await connected("rb");
  const c = await connected("rc");
  const [gotA, gotB, gotC] = [a, b, c].map((s) => collect(s, "room msg"));
  assert.deepEqual(await ack(a, "join", "r"), [true]);
  assert.deepEqual(await ack(b, "join", "r"), [true]);
  assert.deepEqual(await ack(b, "join", "muted"), [true]);
  assert.deepEqual(await ack(a, "room say", ["r"], ["muted"], "first"), [true]);
  await barrier(c, [a, b, c]);
  assert.deepEqual(gotA, [["first"]]);
  assert.deepEqual(gotB, [], "b is in an except room");
  assert.deepEqual(gotC, [], "c is not in the room");

  // Two rooms with an except room: the filter must exclude b (the reference's missing parentheses would not).
  assert.deepEqual(await ack(c, "join", "r2"), [true]);
  assert.deepEqual(await ack(a, "room say", ["r", "r2"], ["muted"], "second"), [true]);
  await barrier(c, [a, b, c]);
  assert.deepEqual(gotA, [["first"], ["second"]]);
  assert.deepEqual(gotB, []);
  assert.deepEqual(gotC, [["second"]]);

  assert.deepEqual(await ack(a, "leave", "r"), [true]);
  assert.deepEqual(await ack(c, "room say", ["r"], [], "third"), [true]);
  await barrier(c, [a, b, c]);
  assert.deepEqual(gotA, [["first"], ["second"]], "a left the room");
  assert.deepEqual(gotB, [["third"]]);
});

test("send to one socket", async () => {
  const a = await connected("da");
  const b = await connected("db");
  const gotA = collect(a, "dm");
  const message = once(b, "dm");
  assert.deepEqual(await ack(a, "dm", b.id, "psst"), [true]);
  assert.deepEqual(await message, ["psst"]);
  await barrier(a, [a, b]);
  assert.deepEqual(gotA, []);
});

test("server-side disconnect", async () => {
  const a = await connected("ka");
  const b = await connected("kb");
  const reason = once(b, "disconnect");
  assert.deepEqual(await ack(a, "kick", b.id), [true]);
  assert.deepEqual(await reason, ["io server disconnect", undefined]);
  assert.equal(a.connected, true);
});

test("a connect rejected by the function reaches connect_error with its message", async () => {
  const socket = open(await negotiate("r"), { query: { reject: "1" } });
  const [err] = await once(socket, "connect_error");
  assert.equal(err.message, "go away");
});

test("expired, foreign and missing tokens are refused", async () => {
  const neg = await negotiate();
  const cases = [
    [process.env.EXPIRED_TOKEN, "Unauthorized: the token has expired"],
    [process.env.WRONG_HUB_TOKEN, /^Unauthorized: the token's audience/],
    ["not-a-token", "Unauthorized: the token is malformed"],
  ];
  for (const [token, message] of cases) {
    const socket = open(neg, { token });
    const [err] = await once(socket, "connect_error");
    if (message instanceof RegExp) assert.match(err.message, message);
    else assert.equal(err.message, message);
    socket.close();
  }
  const bare = io(neg.endpoint, { path: neg.path, forceNew: true });
  opened.push(bare);
  const [err] = await once(bare, "connect_error");
  assert.equal(err.message, "Unauthorized: missing access_token");
});

test("a slow function app: the client gets an error ack and the emulator goes on", async () => {
  const socket = await connected("slow");
  const [reply] = await ack(socket, "slow");
  assert.match(reply.error, /timed out/);
  assert.deepEqual(await ack(socket, "echo", 1), [1, "slow"]);
});

for (const transports of [["polling"], ["websocket"]]) {
  test(`transport ${transports[0]} only`, async () => {
    const neg = await negotiate("t");
    const socket = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, transports, forceNew: true });
    opened.push(socket);
    await once(socket, "connect");
    assert.equal(socket.io.engine.transport.name, transports[0]);
    assert.deepEqual(await ack(socket, "echo", transports[0]), [transports[0], "t"]);
  });
}

test("namespaces: the function of the namespace runs, its connect decides", async () => {
  const neg = await negotiate("admin");
  const manager = open(neg);
  await once(manager, "connect");
  const admin = manager.io.socket("/admin");
  opened.push(admin);
  await once(admin, "connect");
  assert.deepEqual(await ack(admin, "echo", { x: 1 }), ["/admin", { x: 1 }]);
  // The default namespace of the same connection still works.
  assert.deepEqual(await ack(manager, "echo", 2), [2, "admin"]);

  const other = open(await negotiate("someone"));
  const refused = other.io.socket("/admin");
  opened.push(refused);
  const [err] = await once(refused, "connect_error");
  assert.equal(err.message, "admins only");
});

test("one socket's events reach the app in the order they were emitted", async () => {
  const socket = await connected("order");
  const expected = Array.from({ length: 50 }, (_, i) => i);
  for (const n of expected) socket.emit("seq", n);
  const [got] = await ack(socket, "seq report");
  assert.deepEqual(got, expected);
});
