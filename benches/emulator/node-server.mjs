// The peer of the emulator benchmark: Node's socket.io server with the events of
// emulator-bench-app: `echo` acks its arguments, `broadcast` emits `news` to the namespace.
// Env: PORT. Default options (pingInterval 25 s, pingTimeout 20 s, both transports).
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 18301);
const http = createServer();
const io = new Server(http);
io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("broadcast", (text) => io.emit("news", text));
});
http.listen(port, "127.0.0.1", () => console.log(`listening on ${port}`));
