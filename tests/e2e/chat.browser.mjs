// The chat page in headless Chromium: two pages, a message typed in one appears in the other.
// CHAT_URL is the running chat example; CHAT_SCREENSHOT, when set, receives a PNG of the second page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

test("a message typed in one page appears in the other", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const alice = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    const errors = [];
    for (const page of [alice, bob]) page.on("pageerror", (e) => errors.push(e.message));
    await alice.goto(`${process.env.CHAT_URL}/?user=alice`);
    await bob.goto(`${process.env.CHAT_URL}/?user=bob`);
    await alice.locator("#status", { hasText: "connected as alice" }).waitFor({ timeout: 15000 });
    await bob.locator("#status", { hasText: "connected as bob" }).waitFor({ timeout: 15000 });

    await alice.fill("#text", "hello from alice");
    await alice.click("#send");
    await bob.locator("#messages li", { hasText: "alice: hello from alice" }).waitFor({ timeout: 10000 });
    await alice.locator("#messages li", { hasText: "alice: hello from alice" }).waitFor({ timeout: 10000 });
    await alice.locator("#status", { hasText: "delivered (ok)" }).waitFor({ timeout: 10000 });

    await bob.fill("#text", "hi alice");
    await bob.press("#text", "Enter");
    await alice.locator("#messages li", { hasText: "bob: hi alice" }).waitFor({ timeout: 10000 });

    assert.deepEqual(await bob.locator("#messages li").allTextContents(), ["alice: hello from alice", "bob: hi alice"]);
    if (process.env.CHAT_SCREENSHOT) await bob.screenshot({ path: process.env.CHAT_SCREENSHOT });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
