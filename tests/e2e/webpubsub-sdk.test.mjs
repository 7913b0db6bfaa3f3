// Microsoft's REST SDK, @azure/web-pubsub, against the emulator (driven by
// tests/tests/official_packages.rs), each effect observed by real socket.io-client sockets.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { WebPubSubServiceClient } from "@azure/web-pubsub";

const { CONNECTION_STRING, APP_URL } = process.env;
// The emulator speaks plain HTTP on loopback.
const options = { allowInsecureConnection: true };
const hub = new WebPubSubServiceClient(CONNECTION_STRING, "sdk", options);
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

// The SDK mints a Socket.IO client token (signed locally with the key) and a ws:// URL for it.
async function client(options = {}, namespace = "") {
  const { token, baseUrl } = await hub.getClientAccessToken({ clientProtocol: "socketio", ...options });
  const url = new URL(baseUrl.replace(/^ws/, "http"));
  const s = io(url.origin + namespace, { path: url.pathname, query: { access_token: token }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  return s;
}

const payload = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const collect = (s, event) => { const got = []; s.on(event, (...args) => got.push(args)); return got; };
// Everything sent before a barrier has arrived once the barrier has (one connection, in order).
async function barrier(sockets) {
  const arrived = Promise.all(sockets.map((s) => new Promise((resolve) => s.once("barrier", resolve))));
  for (const s of sockets) {
    await hub.sendToConnection(s.io.engine.id, '42["barrier"]', { contentType: "text/plain" });
  }
  await arrived;
}

test("client tokens carry the user id, roles and lifetime the app sees", async () => {
  const { token } = await hub.getClientAccessToken({ clientProtocol: "socketio", userId: "alice", roles: ["webpubsub.joinLeaveGroup"], expirationTimeInMinutes: 5 });
  const claims = payload(token);
  assert.equal(claims.sub, "alice");
  assert.equal(claims.exp - claims.iat, 300);
  const s = await client({ userId: "alice", roles: ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"] });
  assert.deepEqual(await s.timeout(5000).emitWithAck("whoami"), "alice");
  const [user, roles] = await new Promise((resolve) => s.emit("whoami", (...args) => resolve(args)));
  assert.equal(user, "alice");
  assert.deepEqual(roles, ["webpubsub.joinLeaveGroup", "webpubsub.sendToGroup"]);
});

test("sends to the namespace group, a room group and with a filter reach the right sockets", async () => {
  const alice = await client({ userId: "alice" });
  const bob = await client({ userId: "bob" });
  const got = { alice: collect(alice, "news"), bob: collect(bob, "news") };
  assert.equal(await bob.timeout(5000).emitWithAck("join", "lobby"), true);
  // The namespace `/` is the group `0~Lw~`; the room `lobby` in it is `0~Lw~bG9iYnk`.
  await hub.group("0~Lw~").sendToAll('42["news","everyone"]', { contentType: "text/plain" });
  await hub.group("0~Lw~bG9iYnk").sendToAll('42["news","lobby"]', { contentType: "text/plain" });
  await hub.sendToAll('42["news","only alice"]', { contentType: "text/plain", filter: "userId eq 'alice'" });
  await hub.sendToUser("bob", '42["news","to bob"]', { contentType: "text/plain" });
  await barrier([alice, bob]);
  assert.deepEqual(got.alice, [["everyone"], ["only alice"]]);
  assert.deepEqual(got.bob, [["everyone"], ["lobby"], ["to bob"]]);
});

test("groups named in a client token are joined at connect", async () => {
  const s = await client({ groups: ["from-token"] });
  const got = collect(s, "grp");
  await hub.group("from-token").sendToAll('42["grp","hello"]', { contentType: "text/plain" });
  await barrier([s]);
  assert.deepEqual(got, [["hello"]]);
});

test("adding and removing a connection to and from a group", async () => {
  const s = await client();
  const got = collect(s, "grp");
  const group = hub.group("custom");
  await group.addConnection(s.io.engine.id);
  assert.equal(await hub.groupExists("custom"), true);
  await group.sendToAll('42["grp","in"]', { contentType: "text/plain" });
  await group.removeConnection(s.io.engine.id);
  await group.sendToAll('42["grp","out"]', { contentType: "text/plain" });
  await barrier([s]);
  assert.deepEqual(got, [["in"]]);
  assert.equal(await hub.groupExists("custom"), false);
  assert.equal(await hub.connectionExists(s.io.engine.id), true);
});

test("users: add to a group, list it page by page, existence, remove from all groups, close", async () => {
  const [u1, u2, other] = await Promise.all([client({ userId: "uma" }), client({ userId: "uma" }), client({ userId: "olaf" })]);
  const group = hub.group("team");
  await group.addUser("uma");
  assert.equal(await hub.groupExists("team"), true);
  assert.equal(await hub.userExists("uma"), true);
  assert.equal(await hub.userExists("nobody"), false);
  assert.equal(await hub.connectionExists(u1.io.engine.id), true);
  assert.equal(await hub.connectionExists("no-such-connection"), false);
  // One member per page: the SDK follows the emulator's nextLink.
  const pages = [];
  for await (const page of (await group.listConnections({ maxPageSize: 1 })).byPage()) pages.push(page);
  assert.equal(pages.length, 2, JSON.stringify(pages));
  const members = pages.flat().map((m) => [m.connectionId, m.userId]).sort();
  assert.deepEqual(members, [[u1.io.engine.id, "uma"], [u2.io.engine.id, "uma"]].sort());
  // `top` bounds the whole listing.
  const top = [];
  for await (const m of await group.listConnections({ maxPageSize: 1, top: 1 })) top.push(m);
  assert.equal(top.length, 1);
  // A TTL within the service's range is taken; the SDK itself refuses one above 300.
  const got = collect(u1, "ttl");
  await hub.sendToUser("uma", '42["ttl","soon"]', { contentType: "text/plain", messageTtlSeconds: 60 });
  await barrier([u1]);
  assert.deepEqual(got, [["soon"]]);
  await hub.removeUserFromAllGroups("uma");
  assert.equal(await hub.groupExists("team"), false);
  const gone = Promise.all([u1, u2].map((x) => new Promise((resolve) => x.once("disconnect", resolve))));
  await hub.closeUserConnections("uma", { reason: "maintenance" });
  assert.deepEqual(await gone, ["io server disconnect", "io server disconnect"]);
  assert.equal(await hub.userExists("uma"), false);
  assert.equal(other.connected, true);
});

test("closing a connection disconnects its sockets", async () => {
  const s = await client();
  const reason = new Promise((resolve) => s.once("disconnect", resolve));
  await hub.closeConnection(s.io.engine.id, { reason: "bye" });
  assert.equal(await reason, "io server disconnect");
});

test("closeUnderlyingConnection closes the client's Engine.IO connection", async () => {
  const s = await client();
  const admin = s.io.socket("/admin");
  await new Promise((resolve, reject) => { admin.once("connect", resolve); admin.once("connect_error", reject); admin.connect(); });
  // A documented difference: both namespace sockets of one connection have the Engine.IO id.
  assert.equal(admin.id, s.id);
  assert.equal(s.id, s.io.engine.id);
  const closed = new Promise((resolve) => s.io.once("close", resolve));
  const gone = Promise.all([s, admin].map((x) => new Promise((resolve) => x.once("disconnect", resolve))));
  s.emit("close me");
  assert.deepEqual(await gone, ["io server disconnect", "io server disconnect"]);
  assert.equal(await closed, "forced close", "the Engine.IO connection is closed");
  assert.equal(s.io.engine.readyState, "closed");
});

test("a wrong key is refused, and operations the emulator lacks say so", async () => {
  const wrong = new WebPubSubServiceClient(CONNECTION_STRING.replace(/AccessKey=[^;]+/, "AccessKey=wrong"), "sdk", options);
  await assert.rejects(wrong.sendToAll('42["x"]', { contentType: "text/plain" }), (e) => e.statusCode === 401);
  await assert.rejects(hub.grantPermission("someone", "joinLeaveGroup"), (e) => {
    assert.equal(e.statusCode, 404);
    assert.match(e.message, /the emulator does not offer `PUT permissions\/joinLeaveGroup\/connections\/someone`/);
    return true;
  });
});
