// Drives one client through connect, one acked event and disconnect, for tests/tests/emulator_upstream.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

test("connect, emit with ack, disconnect", async () => {
  const socket = io(process.env.ENDPOINT, {
    path: "/clients/socketio/hubs/shape",
    query: { access_token: process.env.TOKEN, room: "blue" },
    forceNew: true,
    reconnection: false,
  });
  try {
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    const reply = await socket.timeout(5000).emitWithAck("ping pong", { b: 2, a: 1 }, "x");
    assert.equal(reply, "pong");
  } finally {
    socket.close();
  }
});
