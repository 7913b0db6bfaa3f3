// A chat user whose id and message try to forge log fields and lines (examples/chat/tests/rooms.rs
// reads the app's log afterwards).
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const USER = 'admin" outcome="Failed';

test("a user id with quotes chats like any other", async () => {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=${encodeURIComponent(USER)}`)).json();
  const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  try {
    await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
    assert.equal(await s.timeout(5000).emitWithAck("new message", "hi\nFORGED line"), "ok");
  } finally {
    s.close();
  }
});
