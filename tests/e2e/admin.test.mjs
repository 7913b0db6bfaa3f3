// The Socket.IO Admin UI's protocol (`@socket.io/admin-ui` 0.5) on the chat example's embedded
// emulator, with real socket.io-clients: an admin socket on namespace `/admin` of the hub's path gets
// `config`, `all_sockets` and `server_stats`, then every socket, room and event live; its `emit`,
// `join`, `leave` and `_disconnect` act on the clients as the REST API would (the app's `disconnected`
// runs). Admin sockets are invisible to the app, to its room listings and to the statistics.
//
// APP_URL: the chat. APP_LOG: the chat's log file. ADMIN_USER / ADMIN_PASSWORD: when the emulator
// was started with credentials (the credential tests run then, the open ones otherwise).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { io } from "socket.io-client";
import WebSocket from "ws";

const APP_URL = process.env.APP_URL;
const WITH_CREDENTIALS = Boolean(process.env.ADMIN_USER);
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function negotiate(user) {
  return (await fetch(`${APP_URL}/api/negotiate?userId=${user}`)).json();
}

function connected(s) {
  return new Promise((resolve, reject) => {
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

async function client(user) {
  const neg = await negotiate(user);
  const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  return connected(s);
}

/** An admin socket that records every event it is sent, from its first packet. */
function admin(auth) {
  return negotiate("nobody").then(({ endpoint, path }) => {
    const s = io(`${endpoint}/admin`, { path, auth, forceNew: true, reconnection: false });
    s.seen = [];
    s.onAny((event, ...args) => s.seen.push([event, ...args]));
    sockets.push(s);
    return s;
  });
}

/** The first event `name` whose arguments satisfy `match`, waiting at most 5 s. */
async function next(s, name, match = () => true) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const found = s.seen.find(([event, ...args]) => event === name && match(...args));
    if (found) return found.slice(1);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no ${name} within 5 s; seen: ${JSON.stringify(s.seen.map(([e]) => e))}`);
}

const isTime = (t) => typeof t === "string" && !Number.isNaN(Date.parse(t));

test("the UI's connection: config, all_sockets, server_stats", { skip: WITH_CREDENTIALS }, async () => {
  const early = await client("early");
  const ui = await admin({});
  await connected(ui);
  const [config] = await next(ui, "config");
  assert.deepEqual(
    [...config.supportedFeatures].sort(),
    ["AGGREGATED_EVENTS", "ALL_EVENTS", "DISCONNECT", "EMIT", "JOIN", "LEAVE", "MDISCONNECT", "MJOIN", "MLEAVE"],
  );
  const [all] = await next(ui, "all_sockets");
  const mine = all.find((s) => s.id === early.id);
  assert.ok(mine, JSON.stringify(all));
  assert.equal(mine.nsp, "/");
  assert.equal(mine.data.userId, "early");
  assert.ok(["websocket", "polling"].includes(mine.transport));
  assert.deepEqual(mine.rooms, [early.id]);
  assert.equal(mine.handshake.query.access_token, undefined, "the token is not shown");
  assert.ok(all.every((s) => s.nsp !== "/admin"), "admin sockets are never listed");
  const [stats] = await next(ui, "server_stats");
  assert.equal(stats.clientsCount, all.length);
  assert.deepEqual(stats.namespaces, [{ name: "/", socketsCount: all.length }]);
  assert.equal(typeof stats.uptime, "number");
  assert.ok(Array.isArray(stats.aggregatedEvents));
  // Reported again every two seconds, counting what happened.
  await early.timeout(5000).emitWithAck("new message", "counted");
  const [later] = await next(ui, "server_stats", (s) => s.aggregatedEvents.some((e) => e.type === "packetsIn"));
  assert.ok(later.aggregatedEvents.every((e) => typeof e.timestamp === "number" && e.count > 0));
  early.close();
  ui.close();
});

test("sockets, rooms and events live, and the UI's actions", { skip: WITH_CREDENTIALS }, async () => {
  const ui = await admin({});
  await connected(ui);
  await next(ui, "all_sockets");
  const [alice, bob] = [await client("alice"), await client("bob")];
  const [aliceSeen, at] = await next(ui, "socket_connected", (s) => s.id === alice.id);
  assert.equal(aliceSeen.data.userId, "alice");
  assert.deepEqual(aliceSeen.rooms, [alice.id]);
  assert.ok(isTime(at));
  await next(ui, "socket_connected", (s) => s.id === bob.id && s.data.userId === "bob");

  // A client's event, and what the app sends because of it.
  assert.deepEqual(await alice.timeout(5000).emitWithAck("new message", "hello"), "ok");
  const [nsp, id, args, t] = await next(ui, "event_received", (_, id) => id === alice.id);
  assert.deepEqual([nsp, id, args], ["/", alice.id, ["new message", "hello"]]);
  assert.ok(isTime(t));
  for (const s of [alice, bob]) {
    await next(ui, "event_sent", (nsp, id, args) => id === s.id && args[0] === "new message" && args[2] === "hello");
  }

  // A room joined through the app (REST), then one joined from the UI, which a room send reaches.
  assert.equal(await alice.timeout(5000).emitWithAck("join", "lobby"), true);
  const [joinedNsp, joinedRoom, joinedId, joinedAt] = await next(ui, "room_joined", (nsp, room) => room === "lobby");
  assert.deepEqual([joinedNsp, joinedRoom, joinedId], ["/", "lobby", alice.id]);
  assert.ok(isTime(joinedAt));
  ui.emit("join", "/", "vip", bob.id);
  await next(ui, "room_joined", (nsp, room, id) => room === "vip" && id === bob.id);
  const delivered = new Promise((resolve) => bob.once("new message", (...a) => resolve(a)));
  const res = await fetch(`${APP_URL}/api/broadcast`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ room: "vip", text: "for members" }),
  });
  assert.equal(res.status, 202);
  assert.deepEqual(await delivered, ["server", "for members"]);
  assert.deepEqual(await bob.timeout(5000).emitWithAck("who", "vip"), ["bob"], "admin sockets are no room's members");
  ui.emit("leave", "/", "vip", bob.id);
  await next(ui, "room_left", (nsp, room, id) => room === "vip" && id === bob.id);

  // An event from the UI, to one socket.
  const got = new Promise((resolve) => alice.once("announcement", (...a) => resolve(a)));
  ui.emit("emit", "/", alice.id, "announcement", "from the UI", 42);
  assert.deepEqual(await got, ["from the UI", 42]);
  await next(ui, "event_sent", (nsp, id, args) => id === alice.id && args[0] === "announcement");

  // Disconnected from the UI: the client sees the server's reason, the UI and the app theirs.
  const bobId = bob.id;
  const gone = new Promise((resolve) => bob.once("disconnect", resolve));
  ui.emit("_disconnect", "/", false, bobId);
  assert.equal(await gone, "io server disconnect");
  const [, goneId, reason, when] = await next(ui, "socket_disconnected", (nsp, id) => id === bobId);
  assert.deepEqual([goneId, reason], [bobId, "server namespace disconnect"]);
  assert.ok(isTime(when));
  const deadline = Date.now() + 5000;
  while (!fs.readFileSync(process.env.APP_LOG, "utf8").split("\n").some((l) => l.includes(bobId) && l.includes("disconnected"))) {
    assert.ok(Date.now() < deadline, "the app's disconnected function did not run");
    await new Promise((r) => setTimeout(r, 50));
  }
  // The app never saw an admin socket.
  const log = fs.readFileSync(process.env.APP_LOG, "utf8");
  assert.ok(!log.includes(ui.id), "an admin socket reached the app");
  alice.close();
  ui.close();
});

test("a UI that does not read never holds up the clients", { skip: WITH_CREDENTIALS }, async () => {
  // An admin socket over a raw WebSocket that stops reading once connected: its reports pile up in
  // its own bounded buffer (then are dropped), while a client's events go on being answered.
  const { endpoint, path } = await negotiate("x");
  const raw = new WebSocket(`${endpoint.replace(/^http/, "ws")}${path}/?EIO=4&transport=websocket`);
  const frames = [];
  raw.on("message", (data) => frames.push(String(data)));
  await new Promise((resolve, reject) => { raw.once("open", resolve); raw.once("error", reject); });
  raw.send("40/admin,");
  const deadline = Date.now() + 5000;
  while (!frames.some((f) => f.startsWith("40/admin,"))) {
    assert.ok(Date.now() < deadline, `the admin namespace did not answer: ${frames}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  raw._socket.pause();
  const busy = await client("busy");
  const acks = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => busy.timeout(30000).emitWithAck("new message", `m${i}`)),
  );
  assert.equal(acks.filter((a) => a === "ok").length, 1000);
  raw.terminate();
  busy.close();
});

test("credentials: refused when wrong or missing, a session when right", { skip: !WITH_CREDENTIALS }, async () => {
  for (const auth of [{}, { username: process.env.ADMIN_USER, password: "not the password" }, { sessionId: "made-up" }]) {
    const refused = await admin(auth);
    await assert.rejects(connected(refused), (e) => e.message === "invalid credentials");
  }
  const ui = await admin({ username: process.env.ADMIN_USER, password: process.env.ADMIN_PASSWORD });
  await connected(ui);
  const [session] = await next(ui, "session");
  assert.match(session, /^[A-Za-z0-9]{32}$/);
  await next(ui, "config");
  ui.close();
  const again = await admin({ sessionId: session });
  await connected(again);
  await next(again, "all_sockets");
  // Other namespaces still need a client token.
  const { endpoint, path } = await negotiate("x");
  const tokenless = io(endpoint, { path, forceNew: true, reconnection: false });
  sockets.push(tokenless);
  await assert.rejects(connected(tokenless), /Unauthorized/);
});
