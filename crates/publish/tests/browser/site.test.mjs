// The site `osec site build` writes, opened from file:// in a real browser (Debian's
// Chromium, driven by playwright-core): the filter works, every advisory has a page,
// every link resolves, nothing is loaded from elsewhere, no console errors, the
// structure is accessible, and the pages fit a phone. Screenshots of the index and an
// advisory page at 390 px and 1280 px, light and dark, go to the results directory.
// The feed is validated with jing against atom.rnc (RFC 4287's element rules) and
// read with feedparser (validate_feed.py).
//
// Run: npm ci && node --test   (after `cargo build -p osec`; needs chromium and jing
// from Debian and feedparser from PyPI, which .ci/run installs)
// Environment: OSEC_BIN (default target/debug/osec), OSEC_ADVISORIES (default the 26
// real advisories in crates/advisory/tests/data/real), SITE_RESULTS (default
// target/site-browser), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const workspace = path.resolve(here, "../../../..");
const osecBin = process.env.OSEC_BIN || path.join(workspace, "target/debug/osec");
const advisories =
  process.env.OSEC_ADVISORIES || path.join(workspace, "crates/advisory/tests/data/real");
const results = process.env.SITE_RESULTS || path.join(workspace, "target/site-browser");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

// Flags known to work headless as root in a container.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let site;
let browser;
let context;
/** Console errors and page errors, with the page they came from. */
const problems = [];
/** Requests for anything but a local file: the site must make none. */
const outside = [];

function url(relative) {
  return pathToFileURL(path.join(site, relative)).href;
}

/** A fresh context at a viewport and colour scheme, watching what pages do. */
async function newContext(options = {}) {
  const ctx = await browser.newContext({
    viewport: { width: options.width || 1280, height: 900 },
    colorScheme: options.colorScheme || "light",
  });
  await ctx.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested.startsWith("file:")) {
      return route.continue();
    }
    outside.push(requested);
    return route.abort();
  });
  ctx.on("page", watch);
  return ctx;
}

function watch(page) {
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
}

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), "osec-site-"));
  execFileSync(
    osecBin,
    ["site", "build", "--base-url", "https://example.org/advisories/", advisories, site],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  fs.mkdirSync(results, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  context = await newContext();
});

after(async () => {
  await browser?.close();
  if (site) {
    fs.rmSync(site, { recursive: true, force: true });
  }
});

function advisoryIds() {
  return fs
    .readdirSync(path.join(site, "osv"))
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

async function visibleRows(page) {
  return page.$$eval("table.advisories tbody tr", (rows) =>
    rows
      .filter((row) => !row.hidden && row.getClientRects().length > 0)
      .map((row) => ({
        id: row.querySelector("th a").textContent,
        packages: Array.from(row.querySelectorAll("td[data-label=Packages] a")).map(
          (a) => a.textContent,
        ),
        severity: row.dataset.severity,
        cwe: row.dataset.cwe.split(" "),
      })),
  );
}

test("the index lists every advisory and the script shows the filter", async () => {
  const page = await context.newPage();
  await page.goto(url("index.html"));
  const ids = advisoryIds();
  assert.equal(ids.length, 26);
  const rows = await visibleRows(page);
  assert.deepEqual(rows.map((r) => r.id).sort(), ids);
  assert.equal(await page.isVisible("#filter"), true, "the filter form is shown");
  assert.equal(await page.textContent("#filter-status"), "26 advisories");
  await page.close();
});

test("the filter hides what does not match: package, ID, severity, weakness", async () => {
  const page = await context.newPage();
  await page.goto(url("index.html"));
  const records = JSON.parse(
    fs.readFileSync(path.join(site, "packages/mirage-crypto-ec.json"), "utf8"),
  );

  await page.fill("#filter-text", "mirage-crypto-ec");
  let rows = await visibleRows(page);
  assert.deepEqual(rows.map((r) => r.id).sort(), records.map((r) => r.id).sort());
  assert.ok(rows.every((r) => r.packages.includes("mirage-crypto-ec")));
  assert.equal(
    await page.textContent("#filter-status"),
    `${records.length} of 26 advisories shown`,
  );
  assert.match(page.url(), /\?q=mirage-crypto-ec$/, "the filter is kept in the address");

  await page.fill("#filter-text", "osec-2026-05");
  rows = await visibleRows(page);
  assert.deepEqual(
    rows.map((r) => r.id),
    ["OSEC-2026-05"],
    "IDs match whatever their case",
  );

  await page.fill("#filter-text", "CVE-2026-41083");
  rows = await visibleRows(page);
  assert.deepEqual(rows.map((r) => r.id), ["OSEC-2026-05"], "aliases match");

  await page.fill("#filter-text", "");
  await page.selectOption("#filter-severity", "high");
  rows = await visibleRows(page);
  assert.ok(rows.length > 0 && rows.length < 26, `${rows.length} high`);
  assert.ok(rows.every((r) => r.severity === "high"));

  await page.selectOption("#filter-severity", "");
  await page.selectOption("#filter-cwe", "CWE-295");
  rows = await visibleRows(page);
  assert.ok(rows.length >= 2, `${rows.length} with CWE-295`);
  assert.ok(rows.every((r) => r.cwe.includes("CWE-295")));

  await page.fill("#filter-text", "no-such-package-anywhere");
  assert.deepEqual(await visibleRows(page), []);
  assert.equal(await page.textContent("#filter-status"), "0 of 26 advisories shown");

  await page.fill("#filter-text", "");
  await page.selectOption("#filter-cwe", "");
  assert.equal((await visibleRows(page)).length, 26);
  await page.close();
});

test("a filtered address opens filtered", async () => {
  const page = await context.newPage();
  await page.goto(url("index.html") + "?q=tls&severity=high");
  assert.equal(await page.inputValue("#filter-text"), "tls");
  const rows = await visibleRows(page);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.packages.includes("tls") && r.severity === "high"));
  await page.close();
});

test("without JavaScript every advisory is listed and the filter stays hidden", async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(url("index.html"));
  assert.equal((await visibleRows(page)).length, 26);
  assert.equal(await page.isVisible("#filter"), false);
  await ctx.close();
});

test("every advisory has a page with its summary, record and affected packages", async () => {
  const page = await context.newPage();
  for (const id of advisoryIds()) {
    const record = JSON.parse(fs.readFileSync(path.join(site, "osv", `${id}.json`), "utf8"));
    await page.goto(url(`advisories/${id}.html`), { waitUntil: "domcontentloaded" });
    assert.equal((await page.textContent("h1")).trim(), record.summary.trim(), id);
    assert.equal(await page.title(), `${id}: ${record.summary} · OCaml security advisories`);
    const packages = await page.$$eval("#affected ~ h3", (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(
      packages,
      record.affected.map((a) => a.package.name),
      `${id}: one table per affected package`,
    );
    const osvLink = await page.getAttribute(`a[href="../osv/${id}.json"]`, "href");
    assert.equal(osvLink, `../osv/${id}.json`);
  }
  await page.close();
});

/** Every HTML page of the site, relative to its root. */
function htmlPages() {
  const pages = ["index.html"];
  for (const dir of ["advisories", "packages"]) {
    for (const name of fs.readdirSync(path.join(site, dir)).sort()) {
      if (name.endsWith(".html")) {
        pages.push(`${dir}/${name}`);
      }
    }
  }
  return pages;
}

test("every link of every page resolves, and the pages are accessible", async () => {
  const page = await context.newPage();
  let local = 0;
  let web = 0;
  for (const relative of htmlPages()) {
    await page.goto(url(relative), { waitUntil: "domcontentloaded" });
    const found = await page.evaluate(() => ({
      links: Array.from(document.querySelectorAll("a[href], link[href], script[src]")).map(
        (e) => e.href || e.src,
      ),
      lang: document.documentElement.lang,
      headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map((h) =>
        Number(h.tagName.slice(1)),
      ),
      landmarks: ["header", "nav", "main", "footer"].filter(
        (tag) => document.querySelector(tag) !== null,
      ),
      unlabelled: Array.from(document.querySelectorAll("input, select, textarea"))
        .filter((control) => control.labels.length === 0)
        .map((control) => control.id),
      tablesWithoutHeaders: Array.from(document.querySelectorAll("table")).filter(
        (table) => table.querySelector("th") === null,
      ).length,
      viewport: document.querySelector("meta[name=viewport]")?.content,
    }));
    assert.equal(found.lang, "en", relative);
    assert.deepEqual(found.landmarks, ["header", "nav", "main", "footer"], relative);
    assert.equal(found.headings.filter((level) => level === 1).length, 1, `${relative}: one h1`);
    assert.equal(found.headings[0], 1, `${relative}: h1 first`);
    for (let i = 1; i < found.headings.length; i += 1) {
      assert.ok(
        found.headings[i] <= found.headings[i - 1] + 1,
        `${relative}: heading levels skip: ${found.headings}`,
      );
    }
    assert.deepEqual(found.unlabelled, [], `${relative}: controls without a label`);
    assert.equal(found.tablesWithoutHeaders, 0, relative);
    assert.match(found.viewport || "", /width=device-width/, relative);
    for (const link of found.links) {
      const target = new URL(link);
      if (target.protocol === "file:") {
        const file = fileURLToPath(target);
        assert.ok(fs.existsSync(file), `${relative}: ${link} does not exist`);
        assert.ok(file.startsWith(site), `${relative}: ${link} leaves the site`);
        local += 1;
      } else {
        assert.ok(
          target.protocol === "https:" || target.protocol === "http:",
          `${relative}: ${link}`,
        );
        web += 1;
      }
    }
  }
  assert.ok(local > 500, `${local} local links`);
  assert.ok(web > 100, `${web} links to other sites`);
  await page.close();
});

test("screenshots, phone and desktop, light and dark; the pages fit a phone", async () => {
  const shots = [
    ["index", "index.html"],
    ["advisory-OSEC-2026-05", "advisories/OSEC-2026-05.html"],
  ];
  const backgrounds = {};
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      const ctx = await newContext({ width, colorScheme });
      const page = await ctx.newPage();
      for (const [name, relative] of shots) {
        await page.goto(url(relative));
        const layout = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          background: getComputedStyle(document.body).backgroundColor,
          color: getComputedStyle(document.body).color,
        }));
        assert.ok(
          layout.scrollWidth <= width,
          `${relative} at ${width} px is ${layout.scrollWidth} px wide`,
        );
        backgrounds[colorScheme] = layout.background;
        await page.screenshot({
          path: path.join(results, `${name}-${width}-${colorScheme}.png`),
          fullPage: true,
        });
      }
      await ctx.close();
    }
  }
  assert.notEqual(backgrounds.light, backgrounds.dark, "dark mode changes the colours");
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      for (const [name] of shots) {
        const file = path.join(results, `${name}-${width}-${colorScheme}.png`);
        assert.ok(fs.statSync(file).size > 10000, file);
      }
    }
  }
});

test("the Atom feed validates: RFC 4287's rules (jing) and a feed reader (feedparser)", () => {
  const feed = path.join(site, "feed.xml");
  const run = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      assert.fail(`${command} ${args.join(" ")} failed:\n${error.stdout}\n${error.stderr}`);
    }
  };
  run("jing", ["-c", path.join(here, "atom.rnc"), feed]);
  const read = run("python3", [path.join(here, "validate_feed.py"), site]);
  assert.match(read, /^feed: 20 entries read, 0 problems$/m, read);
});

test("no console errors and nothing loaded from elsewhere", () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(outside, []);
});
