// SIGTERM in local mode (tests/tests/local_shutdown.rs): one socket emits `slow`, whose function is
// still running when the app is sent SIGTERM; its output (`seen`) and its ack must both arrive before
// the emulator closes the connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

test("an invocation in flight at SIGTERM delivers its output and its ack", async () => {
  const neg = await (await fetch(process.env.NEGOTIATE_URL)).json();
  const s = io(neg.endpoint, {
    path: neg.path,
    query: { access_token: neg.token },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });
  try {
    await new Promise((resolve, reject) => {
      s.once("connect", resolve);
      s.once("connect_error", reject);
    });
    const seen = new Promise((resolve) => s.once("seen", resolve));
    const ack = await s.timeout(20000).emitWithAck("slow", 7);
    assert.deepEqual(ack, 7);
    assert.equal(await seen, 7);
  } finally {
    s.close();
  }
});
