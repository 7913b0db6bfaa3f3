// @ts-check
// The chat page's client, typed from the app's contract (`events.ts`, written by
// `cargo socketio-fn types`): `tsc --checkJs --strict` checks every emit and listener against it.

/** @typedef {import("./events").ServerToClientEvents} ServerToClientEvents */
/** @typedef {import("./events").ClientToServerEvents} ClientToServerEvents */
/** @typedef {import("socket.io-client").Socket<ServerToClientEvents, ClientToServerEvents>} ChatSocket */

/** socket.io-client's `io`, from the page's `socket.io.min.js`. */
const connectTo = /** @type {typeof import("socket.io-client").io} */ (
  /** @type {any} */ (globalThis).io
);

/** @param {string} id */
function element(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error("the page has no #" + id);
  return found;
}

const user = new URLSearchParams(location.search).get("user") || "guest-" + Math.floor(Math.random() * 10000);
const status = element("status");
const list = element("messages");
const text = /** @type {HTMLInputElement} */ (element("text"));
const send = /** @type {HTMLButtonElement} */ (element("send"));

/**
 * @param {string} line
 * @param {string} [cls]
 */
function show(line, cls) {
  const li = document.createElement("li");
  li.textContent = line;
  if (cls) li.className = cls;
  list.appendChild(li);
}

async function start() {
  // The negotiate function hands out the service endpoint and an access token for this user.
  const res = await fetch("/api/negotiate?userId=" + encodeURIComponent(user));
  if (!res.ok) { status.textContent = "negotiation failed: " + await res.text(); return; }
  const { endpoint, path, token } = await res.json();
  /** @type {ChatSocket} */
  const socket = connectTo(endpoint, { path, query: { access_token: token } });
  socket.on("connect", () => {
    status.textContent = "connected as " + user;
    text.disabled = false;
    send.disabled = false;
  });
  socket.on("connect_error", (err) => { status.textContent = "connect error: " + err.message; });
  socket.on("disconnect", (reason) => {
    status.textContent = "disconnected: " + reason;
    text.disabled = true;
    send.disabled = true;
  });
  socket.on("new message", (from, message) => show(from + ": " + message, "message"));
  socket.on("dm", (from, message) => show(from + " (direct): " + message, "dm"));
  // The server asks the room a question; this tab answers with a text.
  socket.on("question", (question, answer) => answer(user + " read: " + question));
  element("form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value) return;
    socket.emit("new message", text.value, (ack) => { status.textContent = "delivered (" + ack + ")"; });
    text.value = "";
  });
}
start();
