// The timer example: every second the app sends `update` to the namespace; two clients each get
// several of them.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const sockets = [];
after(() => sockets.forEach((s) => s.close()));

async function client() {
  const neg = await (await fetch(`${APP_URL}/api/negotiate`)).json();
  const s = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
  return s;
}

function updates(s, count) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} updates in 10 s`)), 10000);
    s.on("update", (...args) => {
      got.push({ args });
      if (got.length === count) { clearTimeout(timer); resolve(got); }
    });
  });
}

test("every client gets `update` every second", async () => {
  const [a, b] = await Promise.all([client(), client()]);
  const [gotA, gotB] = await Promise.all([updates(a, 3), updates(b, 3)]);
  for (const got of [gotA, gotB]) {
    got.forEach((u) => assert.deepEqual(u.args, ["message"]));
  }
});
