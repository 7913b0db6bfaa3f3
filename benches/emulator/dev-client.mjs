// The client of benches/dev.sh: one socket.io-client socket (reconnecting, as an app's would) emits
// an acked `message` every 100 ms until SIGTERM, then prints one JSON line: events, acks by text, when
// each text was first seen (ms since the epoch), failed acks, disconnects.
// APP_URL: a socketio-fn app (negotiate, then the emulator); SOCKET_URL: a Socket.IO server itself.
import { io } from "socket.io-client";

let socket;
if (process.env.APP_URL) {
  const neg = await (await fetch(`${process.env.APP_URL}/api/negotiate?userId=bench`)).json();
  socket = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, transports: ["websocket"] });
} else {
  socket = io(process.env.SOCKET_URL, { transports: ["websocket"], reconnectionDelayMax: 500 });
}
let disconnects = 0;
socket.on("disconnect", () => { disconnects += 1; });
await new Promise((resolve) => socket.once("connect", resolve));
const acks = {};
const firstSeen = {};
let events = 0, failed = 0, running = true;
process.on("SIGTERM", () => { running = false; });
while (running) {
  events += 1;
  try {
    const ack = await socket.timeout(60000).emitWithAck("message", `m${events}`);
    acks[ack] = (acks[ack] ?? 0) + 1;
    firstSeen[ack] ??= Date.now();
  } catch {
    failed += 1;
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(JSON.stringify({ events, acks, firstSeen, failed, disconnects }));
socket.close();
