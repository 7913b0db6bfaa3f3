// The client of benches/dev.sh: one socket.io-client socket emits the template's acked `message`
// every 100 ms until SIGTERM, then prints one JSON line: events, acks by text, failed acks, disconnects.
import { io } from "socket.io-client";

const neg = await (await fetch(`${process.env.APP_URL}/api/negotiate?userId=bench`)).json();
const socket = io(neg.endpoint, { path: neg.path, query: { access_token: neg.token }, transports: ["websocket"] });
let disconnects = 0;
socket.on("disconnect", () => { disconnects += 1; });
await new Promise((resolve) => socket.once("connect", resolve));
const acks = {};
let events = 0, failed = 0, running = true;
process.on("SIGTERM", () => { running = false; });
while (running) {
  events += 1;
  try {
    const ack = await socket.timeout(60000).emitWithAck("message", `m${events}`);
    acks[ack] = (acks[ack] ?? 0) + 1;
  } catch {
    failed += 1;
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log(JSON.stringify({ events, acks, failed, disconnects }));
socket.close();
