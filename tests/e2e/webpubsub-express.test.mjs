// Microsoft's upstream handler, @azure/web-pubsub-express, as the emulator's function app (driven by
// tests/tests/official_packages.rs): what it parses from the emulator's calls is what the service sends.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import express from "express";
import { io } from "socket.io-client";
import { WebPubSubServiceClient } from "@azure/web-pubsub";
import { WebPubSubEventHandler } from "@azure/web-pubsub-express";

const { CONNECTION_STRING, EXPRESS_PORT } = process.env;
const seen = { preflight: [], connect: [], connected: [], user: [], disconnected: [] };
let onDisconnected;
const handler = new WebPubSubEventHandler("expr", {
  handleConnect(req, res) { seen.connect.push(req); res.success(); },
  onConnected(req) { seen.connected.push(req); },
  handleUserEvent(req, res) {
    seen.user.push(req);
    // A Socket.IO event with an ack id gets an ack packet back: `43<id>[...]`.
    const m = /^42(\d+)\[/.exec(req.data);
    if (m) res.success(`43${m[1]}["ok from express"]`, "text"); else res.success();
  },
  onDisconnected(req) { seen.disconnected.push(req); onDisconnected?.(); },
});
const app = express();
app.use((req, _res, next) => { if (req.method === "OPTIONS") seen.preflight.push(req.headers); next(); });
app.use(handler.getMiddleware());
const server = app.listen(Number(EXPRESS_PORT), "127.0.0.1");
const sockets = [];
after(() => { sockets.forEach((s) => s.close()); server.close(); });

test("the handler parses the handshake, connect, connected, user events and disconnected", async () => {
  const hub = new WebPubSubServiceClient(CONNECTION_STRING, "expr", { allowInsecureConnection: true });
  const { token, baseUrl } = await hub.getClientAccessToken({ clientProtocol: "socketio", userId: "carol", roles: ["r1"] });
  const url = new URL(baseUrl.replace(/^ws/, "http"));
  const s = io(url.origin, { path: url.pathname, query: { access_token: token, extra: "1" }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });

  // The abuse-protection handshake, with the version headers the handler looks for.
  assert.equal(seen.preflight.length, 1);
  assert.equal(seen.preflight[0]["webhook-request-origin"], "127.0.0.1");
  assert.equal(seen.preflight[0]["ce-awpsversion"], "1.0");

  // connect: claims and query as the service sends them (the token itself is not forwarded).
  const connect = seen.connect[0];
  assert.equal(connect.context.hub, "expr");
  assert.equal(connect.context.userId, "carol");
  assert.equal(connect.context.eventName, "connect");
  assert.equal(connect.context.connectionId, s.io.engine.id);
  assert.deepEqual(connect.claims.sub, ["carol"]);
  assert.deepEqual(connect.claims.role, ["r1"]);
  assert.deepEqual(connect.query.extra, ["1"]);
  assert.equal(connect.query.access_token, undefined);
  assert.deepEqual(connect.subprotocols, []);

  // A user event with an ack id: the raw Engine.IO text, and the ack the handler wrote comes back.
  assert.equal(await s.timeout(5000).emitWithAck("hello", { n: 1 }), "ok from express");
  // And one without.
  s.emit("fire and forget", "x");
  await s.timeout(5000).emitWithAck("hello", { n: 2 });
  const [withAck, withoutAck] = seen.user;
  assert.equal(withAck.context.eventName, "hello");
  assert.equal(withAck.dataType, "text");
  assert.match(withAck.data, /^42\d+\["hello",\{"n":1\}\]$/);
  assert.equal(withoutAck.context.eventName, "fire and forget");
  assert.equal(withoutAck.data, '42["fire and forget","x"]');
  assert.equal(seen.connected.length, 1);
  assert.equal(seen.connected[0].context.connectionId, s.io.engine.id);

  // disconnected, with the reason.
  const done = new Promise((resolve) => { onDisconnected = resolve; });
  s.close();
  await done;
  assert.equal(seen.disconnected[0].reason, "client namespace disconnect");
  assert.equal(seen.disconnected[0].context.userId, "carol");
});
