// The README's client snippet (its first ```js block), run as written against the chat example, whose
// `negotiate` and `new message` functions are the README's first function (only the hub differs,
// and the snippet learns it from the negotiation). `fetch` resolves the snippet's relative URL against
// the app, as a page served by the app would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { io as realIo } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const snippet = readme.match(/```js\n([\s\S]*?)```/)[1];
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;

test("the README's client snippet connects, emits and logs its ack", async () => {
  const sockets = [];
  const io = (...args) => { const s = realIo(...args); sockets.push(s); return s; };
  const appFetch = (url, init) => fetch(new URL(url, APP_URL), init);
  const logged = [];
  let acked;
  const ack = new Promise((resolve) => { acked = resolve; });
  const console = { log: (...args) => { logged.push(args); acked(); } };
  try {
    await new AsyncFunction("io", "fetch", "console", snippet)(io, appFetch, console);
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no ack within 10 s")), 10000));
    await Promise.race([ack, timeout]);
  } finally {
    sockets.forEach((s) => s.close());
  }
  assert.deepEqual(logged, [["ok"]]);
});
