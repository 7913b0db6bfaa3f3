// Rolling restart: CLIENTS socket.io clients emit acked `work` events and reconnect every few events
// while the Rust side (tests/tests/rolling_restart.rs) SIGTERMs one of three app instances behind the
// emulator and starts a replacement. Every event must be acked once and its output (`seen`) delivered
// once: nothing lost, nothing run twice. Runs until STOP_FILE exists.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { io } from "socket.io-client";

const NEGOTIATE_URL = process.env.NEGOTIATE_URL;
const CLIENTS = Number(process.env.CLIENTS ?? 20);
const STOP_FILE = process.env.STOP_FILE;
const INSTANCES = (process.env.INSTANCES ?? "").split(",").filter(Boolean);
const RECONNECT_EVERY = 10;

const sockets = new Set();
after(() => sockets.forEach((s) => s.close()));

let nextId = 0;
let connects = 0;
const acked = new Map(); // id -> instance that acked
const seen = new Map(); // id -> times `seen` arrived
const waiting = new Map(); // id -> resolve of the wait for `seen`
const failures = [];

function connect(neg) {
  return new Promise((resolve, reject) => {
    const s = io(neg.endpoint, {
      path: neg.path,
      query: { access_token: neg.token },
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
    });
    sockets.add(s);
    s.on("seen", (id) => {
      seen.set(id, (seen.get(id) ?? 0) + 1);
      waiting.get(id)?.();
    });
    s.once("connect", () => {
      connects += 1;
      resolve(s);
    });
    s.once("connect_error", (e) => {
      sockets.delete(s);
      s.close();
      reject(e);
    });
  });
}

function seenWithin(id, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    waiting.set(id, () => {
      clearTimeout(timer);
      resolve(true);
    });
    if (seen.has(id)) waiting.get(id)();
  });
}

async function client(neg) {
  let socket = await connect(neg);
  for (let n = 1; !existsSync(STOP_FILE); n++) {
    const id = nextId++;
    try {
      const [ackedId, instance] = await socket.timeout(15000).emitWithAck("work", id);
      assert.equal(ackedId, id, "the ack is for the event sent");
      acked.set(id, instance);
    } catch (e) {
      failures.push(`event ${id}: no ack (${e.message})`);
      continue;
    }
    if (!(await seenWithin(id, 10000))) failures.push(`event ${id}: acked but its output never arrived`);
    waiting.delete(id);
    if (n % RECONNECT_EVERY === 0) {
      sockets.delete(socket);
      socket.close();
      try {
        socket = await connect(neg);
      } catch (e) {
        failures.push(`reconnect: ${e.message}`);
        return;
      }
    }
  }
  sockets.delete(socket);
  socket.close();
}

test(`${CLIENTS} clients through a rolling restart: every event acked once, every output once`, async () => {
  const neg = await (await fetch(NEGOTIATE_URL)).json();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, () => client(neg)));
  const ms = performance.now() - t0;
  // Late duplicates would arrive within this.
  await new Promise((r) => setTimeout(r, 500));
  const perInstance = {};
  for (const instance of acked.values()) perInstance[instance] = (perInstance[instance] ?? 0) + 1;
  const duplicated = [...seen].filter(([, times]) => times > 1).map(([id]) => id);
  const unasked = [...seen.keys()].filter((id) => !acked.has(id));
  console.log(
    `FIGURES events=${nextId} acked=${acked.size} seen=${seen.size} duplicated=${duplicated.length} ` +
      `connects=${connects} ms=${ms.toFixed(0)} per_instance=${JSON.stringify(perInstance)}`,
  );
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} events lost`);
  assert.equal(acked.size, nextId, "every event acked");
  assert.deepEqual(duplicated, [], "no output delivered twice (no call run twice)");
  assert.deepEqual(unasked, []);
  assert.equal(seen.size, nextId, "every output delivered");
  assert.ok(connects > CLIENTS, "clients reconnected during the run");
  for (const name of INSTANCES) assert.ok(perInstance[name] > 0, `instance ${name} took calls: ${JSON.stringify(perInstance)}`);
});
