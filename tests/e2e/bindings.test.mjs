// The chat example packaged with `cargo socketio-fn functions --bindings`, run by a model of the
// Azure Functions host (cargo-socketio-fn/tests/bindings.rs) against the emulator: real socket.io-client
// sockets negotiate through the host's `socketionegotiation` input binding, a connect is refused and
// others accepted through the trigger's `ReturnValue`, an acked `new message` is answered through
// `ReturnValue` and broadcast to every tab through the host's `socketio` output binding, a `dm` (an
// action the binding cannot express) reaches the user's tab through the app's REST client, and the
// `clock` timer run by the host (its admin API) sends to every socket. HOST_URL: the host model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const HOST = process.env.HOST_URL;

async function negotiate(user) {
  const res = await fetch(`${HOST}/api/negotiate?userId=${encodeURIComponent(user)}`);
  assert.equal(res.status, 200);
  return res.json();
}

function open(neg) {
  return io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, transports: ["websocket"], reconnection: false });
}

function connected(socket) {
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

function next(socket, event, limit = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), limit);
    socket.once(event, (...args) => { clearTimeout(timer); resolve(args); });
  });
}

test("the chat under the Functions host's bindings", async () => {
  const page = await fetch(`${HOST}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i, "the app's own route, through its HTTP function");

  const neg = await negotiate("alice");
  assert.match(neg.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(neg.path, "/clients/socketio/hubs/hub");
  const claims = JSON.parse(Buffer.from(neg.token.split(".")[1], "base64url").toString());
  assert.equal(claims.sub, "alice", "the host's binding put the userId expression into the token");

  const refused = open(await negotiate("x".repeat(65)));
  await assert.rejects(connected(refused), (e) => { assert.match(e.message, /./); return true; });
  refused.close();

  const alice = open(neg);
  const bob = open(await negotiate("bob"));
  await Promise.all([connected(alice), connected(bob)]);
  try {
    const lines = [next(alice, "new message"), next(bob, "new message")];
    const ack = await alice.timeout(10_000).emitWithAck("new message", "hello from the host");
    assert.equal(ack, "ok");
    for (const line of await Promise.all(lines)) {
      assert.deepEqual(line, ["alice", "hello from the host"]);
    }

    const dm = next(bob, "dm");
    assert.equal(await alice.timeout(10_000).emitWithAck("dm", "bob", "psst"), "ok");
    assert.deepEqual(await dm, ["alice", "psst"]);

    const clocks = [next(alice, "clock"), next(bob, "clock")];
    const run = await fetch(`${HOST}/admin/functions/clock`, { method: "POST", body: "{}" });
    assert.equal(run.status, 202, await run.text());
    for (const clock of await Promise.all(clocks)) {
      assert.deepEqual(clock, ["2026-12-07T20:10:00Z"], "the timer read the host's TimerInfo");
    }
  } finally {
    alice.close();
    bob.close();
  }
});
