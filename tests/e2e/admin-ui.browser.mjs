// The real Socket.IO Admin UI (the `ui/dist` of npm @socket.io/admin-ui, served here as its users
// host it) in headless Chromium, against the chat example with the Admin UI on, and two chat pages as
// the clients: the UI connects through its own form; both sockets appear with their user ids and
// rooms; a message a page sends appears among the UI's events; a room joined from the UI makes that
// socket receive a room send; a socket disconnected from the UI disconnects the page (its reason
// shown), and the app's `disconnected` function runs.
//
// CHAT_URL: the chat. CHAT_LOG: its log file. ADMIN_SCREENSHOT: when set, a PNG of the UI's socket
// page (docs/emulator.md's picture).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "node_modules", "@socket.io", "admin-ui", "ui", "dist");
const CHAT_URL = process.env.CHAT_URL;

/** The UI's files, as a static site on a port of its own (another origin than the emulator's). */
async function serveUi() {
  const server = http.createServer((req, res) => {
    const wanted = decodeURIComponent(new URL(req.url, "http://ui").pathname);
    const file = path.join(dist, wanted === "/" ? "index.html" : wanted);
    if (!file.startsWith(dist) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    const type = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png" }[path.extname(file)];
    res.writeHead(200, type ? { "content-type": type } : {});
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => server.close());
  return `http://127.0.0.1:${server.address().port}`;
}

/** The Rooms card of a socket's page. */
const roomsCard = (ui) => ui.locator(".v-card").filter({ has: ui.locator(".v-card__title", { hasText: "Rooms" }) });

/** A socket's page, opened as a user does: its row in the Sockets page. */
async function openSocket(ui, uiUrl, id) {
  await ui.goto(`${uiUrl}/#/sockets/`, { waitUntil: "domcontentloaded" });
  await ui.locator("tbody tr:visible", { hasText: id }).click();
  await ui.locator(".v-card", { hasText: "Details" }).filter({ hasText: id }).waitFor({ timeout: 10000 });
}

async function chatPage(context, user) {
  const page = await context.newPage();
  await page.goto(`${CHAT_URL}/?user=${user}`);
  await page.locator("#status", { hasText: `connected as ${user}` }).waitFor({ timeout: 15000 });
  return page;
}

test("the Admin UI sees the chat's sockets, rooms and events, and acts on them", async () => {
  const uiUrl = await serveUi();
  const { endpoint, path: hubPath } = await (await fetch(`${CHAT_URL}/api/negotiate?userId=x`)).json();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // Its fonts and icons come from CDNs: not needed, and not reachable in CI.
    await context.route(/fonts\.googleapis\.com|cdn\.jsdelivr\.net/, (route) => route.abort());
    const alice = await chatPage(context, "alice");
    const bob = await chatPage(context, "bob");

    // The UI's own connection form.
    const ui = await context.newPage();
    const errors = [];
    ui.on("pageerror", (e) => errors.push(e.message));
    await ui.goto(`${uiUrl}/`, { waitUntil: "domcontentloaded" });
    await ui.getByLabel("Server URL").fill(endpoint);
    await ui.getByText("Advanced options").click();
    await ui.getByLabel("Path").fill(hubPath);
    assert.equal(await ui.getByLabel("Admin namespace").inputValue(), "/admin");
    await ui.getByRole("button", { name: "Connect" }).click();
    await ui.locator(".v-chip", { hasText: /^\s*connected\s*$/i }).first().waitFor({ timeout: 15000 });

    // Both sockets, each with its user id and its own room.
    await ui.goto(`${uiUrl}/#/sockets/`, { waitUntil: "domcontentloaded" });
    const rows = ui.locator("tbody tr:not(.v-data-table__empty-wrapper)");
    await rows.nth(1).waitFor({ timeout: 10000 });
    assert.equal(await rows.count(), 2);
    const ids = (await rows.locator("td:first-child").allTextContents()).map((t) => t.trim());
    const users = {};
    for (const id of ids) {
      await openSocket(ui, uiUrl, id);
      const data = ui.locator("pre, code").filter({ hasText: "userId" }).first();
      await data.waitFor({ timeout: 10000 });
      const user = JSON.parse(await data.textContent()).userId;
      users[user] = id;
      // Its own room (named after its id) in the Rooms card.
      await roomsCard(ui).locator("td", { hasText: id }).waitFor({ timeout: 10000 });
    }
    assert.deepEqual(Object.keys(users).sort(), ["alice", "bob"]);

    // A message a page sends is among the UI's events.
    await alice.fill("#text", "hello admin");
    await alice.click("#send");
    await alice.locator("#status", { hasText: "delivered (ok)" }).waitFor({ timeout: 10000 });
    await ui.goto(`${uiUrl}/#/events/`, { waitUntil: "domcontentloaded" });
    const received = ui.locator("tr", { hasText: "new message" }).filter({ hasText: /Event received/i }).filter({ hasText: users.alice });
    await received.first().waitFor({ timeout: 10000 });
    await received.first().locator("button, .v-data-table__expand-icon").first().click();
    await ui.locator("main", { hasText: "Event arguments" }).waitFor({ timeout: 10000 });
    assert.match(await ui.locator("main").innerText(), /Event arguments:\s*\[\s*"hello admin"\s*\]/);

    // A room joined from the UI: a send to that room reaches bob alone.
    await openSocket(ui, uiUrl, users.bob);
    const room = ui.getByLabel("Join a room");
    await room.waitFor({ timeout: 10000 });
    await room.fill("vip");
    await ui.locator("button[type=submit]:has(.mdi-tag-plus-outline)").click();
    await roomsCard(ui).locator("td", { hasText: /^\s*vip\s*$/ }).waitFor({ timeout: 10000 });
    const res = await fetch(`${CHAT_URL}/api/broadcast`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ room: "vip", text: "for the room" }),
    });
    assert.equal(res.status, 202);
    await bob.locator("#messages li", { hasText: "server: for the room" }).waitFor({ timeout: 10000 });
    assert.equal(await alice.locator("#messages li", { hasText: "for the room" }).count(), 0);
    if (process.env.ADMIN_SCREENSHOT) {
      await ui.evaluate(() => window.scrollTo(0, 0));
      await ui.mouse.move(0, 0);
      await ui.screenshot({ path: process.env.ADMIN_SCREENSHOT });
    }

    // Disconnected from the UI: the page sees the server's reason, the app runs `disconnected`.
    await ui.goto(`${uiUrl}/#/sockets/`, { waitUntil: "domcontentloaded" });
    await ui.locator("tr", { hasText: users.bob }).locator("button:has(.mdi-logout)").click();
    await bob.locator("#status", { hasText: "disconnected: io server disconnect" }).waitFor({ timeout: 10000 });
    const deadline = Date.now() + 10000;
    const ran = () => fs.readFileSync(process.env.CHAT_LOG, "utf8").split("\n")
      .some((l) => l.includes(`socket=${users.bob}`) && l.includes("disconnected") && l.includes("server namespace disconnect"));
    while (!ran()) {
      assert.ok(Date.now() < deadline, "the app's disconnected function did not run");
      await new Promise((r) => setTimeout(r, 100));
    }
    // Gone from the UI's list too (the click also opened the socket's page: back to the list).
    await ui.goto(`${uiUrl}/#/sockets/`, { waitUntil: "domcontentloaded" });
    const listed = () => ui.locator("tbody tr:visible", { hasText: users.bob }).count();
    const until = Date.now() + 10000;
    while ((await listed()) > 0) {
      assert.ok(Date.now() < until, "the disconnected socket is still listed");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(await alice.locator("#status").textContent(), /delivered|connected/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
