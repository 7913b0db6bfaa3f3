// Hooks, a layer and the catch-all event of tests/tests/middleware.rs, with the Node socket.io-client
// through the emulator. APP_URL is the function app.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const APP_URL = process.env.APP_URL;
const opened = [];
after(() => opened.forEach((s) => s.close()));

async function open(nsp = "", query = {}) {
  const neg = await (await fetch(`${APP_URL}/api/negotiate?userId=u`)).json();
  const socket = io(`${neg.endpoint}${nsp}`, { path: neg.path, query: { access_token: neg.token, ...query }, forceNew: true });
  opened.push(socket);
  return socket;
}

const once = (socket, event, ms = 5000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });

const ack = (socket, event, ...args) =>
  new Promise((resolve, reject) =>
    socket.timeout(5000).emit(event, ...args, (err, ...reply) => (err ? reject(err) : resolve(reply))),
  );

test("a hook rejecting a connect reaches the client as connect_error", async () => {
  const socket = await open("", { banned: "1" });
  const [err] = await once(socket, "connect_error");
  assert.equal(err.message, "banned by a hook");
});

test("a known event reaches its own function, an unknown one the catch-all", async () => {
  const socket = await open();
  await once(socket, "connect");
  assert.deepEqual(await ack(socket, "known"), ["known"]);
  assert.deepEqual(await ack(socket, "no such event", 1, { two: 2 }), ["no such event", [1, { two: 2 }]]);
});

test("a hook refusing an event: its error is the ack, the function does not run", async () => {
  const socket = await open();
  await once(socket, "connect");
  const [reply] = await ack(socket, "forbidden");
  assert.match(reply.error, /refused by a hook/);
});

test("a namespace without a catch-all stays silent for an unknown event", async () => {
  const socket = await open("/other");
  await once(socket, "connect");
  await assert.rejects(
    new Promise((resolve, reject) =>
      socket.timeout(1500).emit("unknown", (err, ...reply) => (err ? reject(err) : resolve(reply))),
    ),
    /operation has timed out/,
  );
});
