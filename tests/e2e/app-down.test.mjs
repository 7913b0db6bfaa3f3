// The emulator with no function app behind it: the client is refused with a clear message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

test("connecting while the function app is down gives connect_error", async () => {
  const socket = io(process.env.ENDPOINT, {
    path: "/clients/socketio/hubs/e2e",
    query: { access_token: process.env.TOKEN },
    forceNew: true,
    reconnection: false,
  });
  try {
    const err = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no connect_error within 10 s")), 10000);
      socket.once("connect_error", (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    assert.match(err.message, /^Service unavailable: the function app at http:\/\/127\.0\.0\.1:\d+\/runtime\/webhooks\/socketio did not answer/);
  } finally {
    socket.close();
  }
});
