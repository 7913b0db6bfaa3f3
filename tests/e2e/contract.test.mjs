// The judges of a generated contract, written by others: `tsc --strict` (npm `typescript`) with
// socket.io-client 4's own `Socket<ServerToClientEvents, ClientToServerEvents>`, and
// `@asyncapi/parser` for the AsyncAPI document.
//
// CONTRACT_TS: the generated TypeScript. CONTRACT_CASES: a JSON file of cases, each
// `{ "name", "code", "error"?: [codes] }`: `code` is a client module (it imports the contract as
// `./contract` or `./events`); without `error` it must compile, with it tsc must report one of those codes on the
// line marked `// <-`. CONTRACT_CHECK_JS (optional): a browser script typed with JSDoc from
// `./events`, checked with --checkJs. CONTRACT_ASYNCAPI (optional): the AsyncAPI document, with
// CONTRACT_EVENTS, a JSON `{ "receive": [...], "send": [...] }` of the events it must name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(here, "node_modules", ".bin", "tsc");
const run = promisify(execFile);

/** Compiles a folder under --strict; the diagnostics as `{ file, line, code, text }`. */
async function compile(dir, options = []) {
  const args = ["--strict", "--noEmit", "--pretty", "false", "--target", "es2022", "--module", "esnext",
    "--moduleResolution", "bundler", "--lib", "es2022,dom", "--skipLibCheck", ...options];
  const files = fs.readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(dir, f));
  let out = "";
  try {
    await run(tsc, [...args, ...files], { cwd: dir, maxBuffer: 1 << 24 });
  } catch (e) {
    out = String(e.stdout) + String(e.stderr);
    if (e.code !== 1 && e.code !== 2) throw e;
  }
  const diagnostics = [];
  for (const line of out.split("\n").filter(Boolean)) {
    const m = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) diagnostics.push({ file: path.basename(m[1]), line: Number(m[2]), code: m[4], text: m[5] });
    else if (/^\s/.test(line) && diagnostics.length > 0) diagnostics.at(-1).text += "\n" + line;
    else diagnostics.push({ text: line });
  }
  return diagnostics;
}

/** A folder under node_modules (so `socket.io-client` resolves) holding the contract and `files`. */
function folder(files) {
  const cache = path.join(here, "node_modules", ".cache");
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, "contract-"));
  fs.copyFileSync(process.env.CONTRACT_TS, path.join(dir, "contract.ts"));
  fs.copyFileSync(process.env.CONTRACT_TS, path.join(dir, "events.ts"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const cases = JSON.parse(fs.readFileSync(process.env.CONTRACT_CASES, "utf8"));

test("the contract compiles under --strict and every right client type-checks", async () => {
  const good = Object.fromEntries(cases.filter((c) => !c.error).map((c) => [`${c.name}.ts`, c.code]));
  const dir = folder(good);
  try {
    const diagnostics = await compile(dir);
    assert.deepEqual(diagnostics, [], "tsc reported errors");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("each wrong client is a tsc error on its line", async () => {
  const wrong = cases.filter((c) => c.error);
  assert.ok(wrong.length > 0);
  const dir = folder(Object.fromEntries(wrong.map((c) => [`${c.name}.ts`, c.code])));
  try {
    const diagnostics = await compile(dir);
    for (const c of wrong) {
      const line = c.code.split("\n").findIndex((l) => l.includes("// <-")) + 1;
      assert.ok(line > 0, `${c.name}: mark the wrong line with // <-`);
      const found = diagnostics.filter((d) => d.file === `${c.name}.ts`);
      assert.ok(found.length > 0, `${c.name}: tsc accepted it`);
      assert.ok(found.every((d) => d.line === line), `${c.name}: errors elsewhere: ${JSON.stringify(found)}`);
      assert.ok(found.some((d) => c.error.includes(d.code)),
        `${c.name}: expected one of ${c.error}, got ${JSON.stringify(found)}`);
    }
    const stray = diagnostics.filter((d) => !wrong.some((c) => d.file === `${c.name}.ts`));
    assert.deepEqual(stray, [], "errors outside the cases (the contract itself?)");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the page's script type-checks against the contract (--checkJs)", { skip: !process.env.CONTRACT_CHECK_JS }, async () => {
  const dir = folder({ "page.js": fs.readFileSync(process.env.CONTRACT_CHECK_JS, "utf8") });
  try {
    const diagnostics = await compile(dir, ["--allowJs", "--checkJs"]);
    assert.deepEqual(diagnostics, [], "tsc reported errors in the page's script");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("@asyncapi/parser validates the document and it names every event", { skip: !process.env.CONTRACT_ASYNCAPI }, async () => {
  const { Parser } = await import("@asyncapi/parser");
  const parser = new Parser();
  const text = fs.readFileSync(process.env.CONTRACT_ASYNCAPI, "utf8");
  const { document, diagnostics } = await parser.parse(text);
  const errors = diagnostics.filter((d) => d.severity === 0);
  assert.deepEqual(errors.map((d) => `${d.code}: ${d.message} at ${d.path.join(".")}`), []);
  assert.ok(document, "no document");
  assert.equal(document.version(), "3.0.0");
  const expected = JSON.parse(process.env.CONTRACT_EVENTS);
  for (const action of ["receive", "send"]) {
    const named = document.operations().all()
      .filter((o) => o.action() === action)
      .flatMap((o) => o.messages().all().map((m) => m.name()));
    assert.deepEqual(named.sort(), [...expected[action]].sort(), `${action} operations`);
  }
  const replies = document.operations().all().filter((o) => o.reply());
  assert.ok(replies.length > 0, "acks and answers are replies");
  const server = document.servers().all()[0];
  assert.ok(server.security().length > 0, "the negotiated token secures the server");
});
