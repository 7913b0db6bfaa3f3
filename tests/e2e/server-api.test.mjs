// The Socket.IO server API over the service, with real socket.io-client sockets through the emulator:
// functions in tests/tests/server_api.rs send the actions and ask the queries.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function client(user, namespace = "") {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=${user}`)).json();
  const s = io(neg.endpoint + namespace, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  return s;
}

const ask = (s, ...args) => s.timeout(5000).emitWithAck(...args);
const collect = (s, event) => { const got = []; s.on(event, (...args) => got.push(args)); return got; };
const next = (s, event) => new Promise((resolve) => s.once(event, (...args) => resolve(args)));
const sorted = (list) => [...list].sort((a, b) => (a[0] < b[0] ? -1 : 1));

test("send_to_user reaches every tab of the user, and nobody else", async () => {
  const [tab1, tab2, bob] = await Promise.all([client("alice"), client("alice"), client("bob")]);
  const gotBob = collect(bob, "dm");
  const both = Promise.all([next(tab1, "dm"), next(tab2, "dm")]);
  assert.equal(await ask(bob, "dm", "alice", "hi"), true);
  assert.deepEqual(await both, [["bob", "hi"], ["bob", "hi"]]);
  // Barrier: a message to bob himself arrives after any stray one.
  const own = next(bob, "dm");
  assert.equal(await ask(tab1, "dm", "bob", "back"), true);
  assert.deepEqual(await own, ["alice", "back"]);
  assert.deepEqual(gotBob, [["alice", "back"]]);
});

test("broadcast_from reaches the namespace except the sender", async () => {
  const [a, b, c] = await Promise.all([client("s1"), client("s2"), client("s3")]);
  const gotA = collect(a, "shout");
  const arrived = Promise.all([next(b, "shout"), next(c, "shout")]);
  assert.equal(await ask(a, "shout", "hello all"), true);
  assert.deepEqual(await arrived, [["hello all"], ["hello all"]]);
  const barrier = next(a, "shout");
  assert.equal(await ask(b, "shout", "reply"), true);
  await barrier;
  assert.deepEqual(gotA, [["reply"]], "the sender did not get its own broadcast");
});

test("user room moves and room members", async () => {
  const [v1, v2, other] = await Promise.all([client("vera"), client("vera"), client("otto")]);
  assert.equal(await ask(other, "user room", "add", "vera", "vip"), true);
  const members = await ask(other, "who", "vip");
  assert.deepEqual(sorted(members), sorted([[v1.id, "vera"], [v2.id, "vera"]]));
  const gotOther = collect(other, "room msg");
  const both = Promise.all([next(v1, "room msg"), next(v2, "room msg")]);
  assert.equal(await ask(other, "room say", "vip", "welcome"), true);
  assert.deepEqual(await both, [["welcome"], ["welcome"]]);
  assert.deepEqual(gotOther, []);
  assert.equal(await ask(other, "user room", "remove", "vera", "vip"), true);
  assert.deepEqual(await ask(other, "who", "vip"), []);
  assert.equal(await ask(other, "exists", "room", "vip"), false);
});

test("remove_user_from_all_rooms keeps the namespace and the socket's own room", async () => {
  const [carol, watcher] = await Promise.all([client("carol"), client("watcher")]);
  for (const room of ["blue", "green"]) assert.equal(await ask(carol, "join", room), true);
  assert.deepEqual(await ask(watcher, "who", "blue"), [[carol.id, "carol"]]);
  assert.equal(await ask(watcher, "user room", "clear", "carol"), true);
  assert.deepEqual(await ask(watcher, "who", "blue"), []);
  assert.deepEqual(await ask(watcher, "who", "green"), []);
  // Still in the namespace and in its own room.
  const shouted = next(carol, "shout");
  assert.equal(await ask(watcher, "shout", "still there?"), true);
  assert.deepEqual(await shouted, ["still there?"]);
  assert.equal(await ask(watcher, "exists", "socket", carol.id), true);
});

test("sockets_join and sockets_leave move whole rooms", async () => {
  const [red, blue, none] = await Promise.all([client("r"), client("b"), client("n")]);
  assert.equal(await ask(red, "join", "red"), true);
  assert.equal(await ask(blue, "join", "blue"), true);
  assert.equal(await ask(none, "move", "join", ["red", "blue"], "purple"), true);
  assert.deepEqual(sorted(await ask(none, "who", "purple")), sorted([[red.id, "r"], [blue.id, "b"]]));
  assert.equal(await ask(none, "move", "leave", ["red"], "purple"), true);
  assert.deepEqual(await ask(none, "who", "purple"), [[blue.id, "b"]]);
});

test("existence checks", async () => {
  const s = await client("eve");
  assert.equal(await ask(s, "exists", "socket", s.id), true);
  assert.equal(await ask(s, "exists", "socket", "no-such-socket"), false);
  assert.equal(await ask(s, "exists", "user", "eve"), true);
  assert.equal(await ask(s, "exists", "user", "nobody"), false);
  assert.equal(await ask(s, "exists", "room", "nowhere"), false);
  const err = await ask(s, "exists", "user", "");
  assert.match(err.error, /must not be empty/);
});

test("emit_with_ack: three sockets, one never answers, two answers within the timeout", async () => {
  const [q1, q2, mute, asker] = await Promise.all([client("q1"), client("q2"), client("mute"), client("asker")]);
  for (const s of [q1, q2, mute]) assert.equal(await ask(s, "join", "quiz"), true);
  q1.on("question", (text, ack) => ack("one", text));
  q2.on("question", (text, ack) => ack("two"));
  mute.on("question", () => {});
  const started = Date.now();
  const answers = await ask(asker, "poll", "quiz", 700);
  const took = Date.now() - started;
  assert.deepEqual(sorted(answers), [["one", "ready?"], ["two"]]);
  assert.ok(took >= 600 && took < 4000, `took ${took} ms`);
  // An empty room: no answers, at once.
  assert.deepEqual(await ask(asker, "poll", "empty room", 3000), []);
});

test("typed emit_with_ack: one typed answer, one per-socket error, nothing for the silent socket", async () => {
  const [good, wrong, mute, asker] = await Promise.all([client("t1"), client("t2"), client("t3"), client("t4")]);
  for (const s of [good, wrong, mute]) assert.equal(await ask(s, "join", "typed"), true);
  good.on("typed question", (text, ack) => ack(text === "ready?", 7));
  wrong.on("typed question", (text, ack) => ack("yes"));
  mute.on("typed question", () => {});
  const [typed, errors] = await ask(asker, "typed poll", "typed", 700);
  assert.deepEqual(typed, [[true, 7]]);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0], /^an answer to `typed question` is not what the event declares: /);
});

test("the typed stream yields each answer as it arrives, and ends when every socket answered", async () => {
  const [fast, slow, asker] = await Promise.all([client("s1"), client("s2"), client("s3")]);
  for (const s of [fast, slow]) assert.equal(await ask(s, "join", "streamed"), true);
  fast.on("typed question", (text, ack) => setTimeout(() => ack(true, 100), 100));
  slow.on("typed question", (text, ack) => setTimeout(() => ack(true, 1000), 1000));
  const [arrived, ended] = await ask(asker, "typed stream", "streamed", 5000);
  assert.deepEqual(arrived.map(([ready, n]) => [ready, n]), [[true, 100], [true, 1000]]);
  const [[, , first], [, , second]] = arrived;
  assert.ok(first >= 90 && first < 700, `the 100 ms answer arrived after ${first} ms`);
  assert.ok(second >= 990 && second > first, `the 1 s answer arrived after ${second} ms`);
  assert.ok(ended < 3000, `the stream ended after ${ended} ms, well before the 5 s deadline`);
});

test("a function on /second sends to /second by default", async () => {
  const [second, root] = await Promise.all([client("ns1", "/second"), client("ns2")]);
  const gotRoot = collect(root, "second hello");
  const arrived = next(second, "second hello");
  assert.equal(await ask(second, "hello"), true);
  assert.deepEqual(await arrived, []);
  const barrier = next(root, "shout");
  assert.equal(await ask(await client("ns3"), "shout", "x"), true);
  await barrier;
  assert.deepEqual(gotRoot, []);
});

test("TTL: within the service's range it is sent, out of it the function fails", async () => {
  const s = await client("t");
  const arrived = next(s, "ttl ok");
  assert.equal(await ask(s, "ttl", 30), true);
  await arrived;
  const err = await ask(s, "ttl", 301);
  assert.match(err.error, /messageTtlSeconds/);
});

test("closing connections: a user's, a room's, one", async () => {
  const [d1, d2, bystander] = await Promise.all([client("dave"), client("dave"), client("by")]);
  const gone = Promise.all([next(d1, "disconnect"), next(d2, "disconnect")]);
  assert.equal(await ask(bystander, "close", "user", "dave", "banned"), true);
  await gone;
  const doomed = await client("doomed");
  assert.equal(await ask(doomed, "join", "doomed room"), true);
  const doomedGone = next(doomed, "disconnect");
  assert.equal(await ask(bystander, "close", "room", "doomed room", "closing"), true);
  await doomedGone;
  const me = await client("me");
  const meGone = next(me, "disconnect");
  me.emit("close", "me", "", "bye");
  await meGone;
  assert.equal(bystander.connected, true);
  assert.equal(await ask(bystander, "exists", "user", "dave"), false);
});

test("negotiation answers POST as well as GET", async () => {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=poster`, { method: "POST" })).json();
  assert.ok(neg.token && neg.endpoint && neg.path, JSON.stringify(neg));
  const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  assert.equal(await ask(s, "exists", "user", "poster"), true);
});

test("a welcome sent from `connected` reaches every socket, over websocket only", async () => {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=greeted`)).json();
  const greeted = await Promise.all(Array.from({ length: 200 }, () => new Promise((resolve) => {
    const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false, transports: ["websocket"] });
    sockets.push(s);
    const timer = setTimeout(() => resolve(false), 10000);
    s.once("welcome", (id) => { clearTimeout(timer); resolve(id === s.id); });
  })));
  assert.equal(greeted.filter(Boolean).length, 200, "every socket got its own welcome");
});

test("an event no function handles gets no ack; a failing function still gets an error ack", async () => {
  const s = await client("quiet");
  await assert.rejects(s.timeout(800).emitWithAck("nobody listens", 1), /operation has timed out/);
  const err = await ask(s, "ttl", 301);
  assert.match(err.error, /the app answered 500/);
  assert.equal(s.connected, true);
});
