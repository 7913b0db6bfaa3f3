// `cargo socketio-fn dev` from a client's seat: one socket.io-client emits the template's acked
// `message` every 100 ms while this test edits the app's source (APP_MAIN): a new ack text, a type
// error, the fix with a third text; then the serving build is killed (SIGKILL). Each new text is
// served; during the broken edit the old one is (and DEV_LOG shows the error); events sent while no
// build serves wait and are answered once `dev` has restarted it; every event is acked exactly once,
// in order, never with an error; the socket never disconnects. APP_URL: the app's address under `dev`.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { io } from "socket.io-client";

const main = process.env.APP_MAIN;
const edit = (from, to) => {
  const text = fs.readFileSync(main, "utf8");
  assert.ok(text.includes(from), `${from} is not in the source`);
  fs.writeFileSync(main, text.replace(from, to));
};

async function until(what, check, limit = 240_000) {
  const deadline = Date.now() + limit;
  while (!check()) {
    assert.ok(Date.now() < deadline, `${what} did not happen`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("edits are served while the client stays connected", async () => {
  const neg = await (await fetch(`${process.env.APP_URL}/api/negotiate?userId=alice`)).json();
  const socket = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, transports: ["websocket"], reconnection: false });
  const disconnects = [];
  socket.on("disconnect", (reason) => disconnects.push(reason));
  await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
  const acks = [];
  let emitted = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      emitted += 1;
      acks.push(await socket.timeout(60_000).emitWithAck("message", `m${emitted}`).catch((e) => `ERR ${e.message}`));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await until("the first ack", () => acks.length > 0);
    assert.equal(acks[0], "received");

    edit(`Ack(("received",))`, `Ack(("second",))`);
    await until("the second text", () => acks.includes("second"));

    const failedBefore = fs.readFileSync(process.env.DEV_LOG, "utf8").split("the running build keeps serving").length;
    edit(`Ack(("second",))`, `Ack((42u8,))`);
    await until("the failed build", () =>
      fs.readFileSync(process.env.DEV_LOG, "utf8").split("the running build keeps serving").length > failedBefore);
    const during = acks.length;
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(acks.length > during, "events go on being answered");
    assert.ok(acks.slice(during).every((a) => a === "second"), `the old build serves: ${acks.slice(during)}`);

    edit(`Ack((42u8,))`, `Ack(("third",))`);
    await until("the third text", () => acks.includes("third"));

    // The serving build killed outright: events sent meanwhile wait in the emulator and are answered
    // once `dev` has started it again.
    const log = () => fs.readFileSync(process.env.DEV_LOG, "utf8");
    await until("the third build's line", () => log().split("[dev] reloaded in").length - 1 >= 2);
    const pids = [...log().matchAll(/\[dev\] [^\n]*pid (\d+)\)/g)].map((m) => Number(m[1]));
    const serving = pids.at(-1);
    assert.ok(serving > 0, "the serving build's pid is shown");
    const beforeKill = acks.length;
    process.kill(serving, "SIGKILL");
    await until("the restart", () => /\[dev\] serving again/.test(log()));
    await until("answers after the restart", () => acks.length > beforeKill + 20);
  } finally {
    running = false;
    await loop;
    socket.close();
  }
  assert.equal(acks.length, emitted, "every event acked once");
  const order = ["received", "second", "third"];
  const ranks = acks.map((a) => order.indexOf(a));
  assert.ok(ranks.every((r) => r >= 0), `every ack is a text the app answers: ${[...new Set(acks)]}`);
  assert.ok(ranks.every((r, i) => i === 0 || r >= ranks[i - 1]), "each build's text, then the next's");
  assert.deepEqual(disconnects, ["io client disconnect"], "the socket stayed connected until closed");
});
