// Measures the real app under a flood (issue 6): the Console connects to the built-in lab's /flood, which
// sends 100-byte text frames at FLOOD_RATE a second (default 100,000; 0 for as fast as it can); while they arrive, the script clicks between views and times
// how long each click takes to be answered, then reports the rate the status line showed and the memory of
// the app and its WebKit processes once every entry is held. Not a test (it asserts nothing but that the
// flood arrived); `scripts/measure-flood` runs it through run.sh and prints its figures.
import { readFileSync, readdirSync } from "node:fs";
import { Builder, By, until } from "selenium-webdriver";
import { emptyField } from "./fields.mjs";

const APP = process.env.WSDOCTOR_APP;
const SERVER = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444/";
const COUNT = Number(process.env.FLOOD_COUNT ?? 1_000_000);
// Messages a second the lab sends (0: as fast as it can).
const RATE = Number(process.env.FLOOD_RATE ?? 100_000);
const WAIT_MS = 20_000;
const SETTLE_MS = 15_000;

const driver = await new Builder()
  .usingServer(SERVER)
  .withCapabilities({ browserName: "wry", "tauri:options": { application: APP } })
  .build();

const find = (css) => driver.wait(until.elementLocated(By.css(css)), WAIT_MS, `waiting for ${css}`);

/** Sums RSS and PSS (MB) over every process whose command line names the app, and their children. */
function treeMemory() {
  const parents = new Map();
  const names = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
      names.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0]);
    } catch {
      // the process ended while we looked
    }
  }
  const roots = [...names].filter(([, cmd]) => cmd === APP).map(([pid]) => pid);
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (roots.includes(p)) return true;
    return false;
  };
  let rss = 0;
  let pss = 0;
  const members = [];
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const own = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += own;
      members.push(`${/Name:\s+(.*)/.exec(status)?.[1]} ${(own / 1024).toFixed(0)}`);
    } catch {
      // gone
    }
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024, members: members.sort().join(", ") };
}

try {
  const base = await (await find('#lab-endpoint option[data-endpoint-id="echo"]')).getAttribute("value");
  const floodUrl = base.replace(/\/echo$/, `/flood?n=${COUNT}${RATE > 0 ? `&rate=${RATE}` : ""}`);
  const before = treeMemory();
  await (await find("#nav-console")).click();
  const url = await find("#console-url");
  await emptyField(driver, url);
  await url.sendKeys(floodUrl);
  const started = Date.now();
  await (await find("#console-connect")).click();
  const status = await find(".console-session:not([hidden]) .status-line");
  const [checklistNav, consoleNav, checklistHeading] = await Promise.all(["#nav-checklist", "#nav-console", "#checklist-heading"].map(find));

  // Click to the Checklist and back while the flood runs; each click is answered when the view it shows is
  // displayed. The WebDriver round trip (a few ms) is part of every figure.
  const clicks = [];
  let peakRate = 0;
  let received = 0;
  while (Date.now() - started < 120_000) {
    const text = await status.getText();
    received = Number(/in (\d+)/.exec(text)?.[1] ?? 0);
    const rate = Number(/, (\d+)\/s\) · out/.exec(text)?.[1] ?? 0);
    peakRate = Math.max(peakRate, rate);
    if (received >= COUNT || /closed/.test(text)) break;
    const t0 = performance.now();
    await checklistNav.click();
    await driver.wait(until.elementIsVisible(checklistHeading), WAIT_MS);
    const t1 = performance.now();
    await consoleNav.click();
    await driver.wait(until.elementIsVisible(status), WAIT_MS);
    clicks.push(t1 - t0, performance.now() - t1);
  }
  const elapsed = (Date.now() - started) / 1000;
  // Let the last batches land and the allocator settle before reading memory.
  await driver.sleep(3000);
  const text = await status.getText();
  received = Number(/in (\d+)/.exec(text)?.[1] ?? 0);
  const held = treeMemory();
  // WebKit gives the garbage of a million entries passing through the page back over the next seconds.
  await driver.sleep(SETTLE_MS);
  const settled = treeMemory();
  clicks.sort((a, b) => a - b);
  const pct = (p) => (clicks.length ? clicks[Math.min(clicks.length - 1, Math.floor(p * clicks.length))].toFixed(0) : "n/a");
  console.log(`flood: ${received} of ${COUNT} messages received in ${elapsed.toFixed(1)} s (${(received / elapsed).toFixed(0)} msg/s overall; peak rate shown ${peakRate}/s)`);
  console.log(`clicks answered during the flood: ${clicks.length}, median ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${pct(1)} ms`);
  console.log(`memory before: PSS ${before.pssMb.toFixed(0)} MB, RSS sum ${before.rssMb.toFixed(0)} MB (PSS: ${before.members})`);
  console.log(`memory holding ${received} entries: PSS ${held.pssMb.toFixed(0)} MB, RSS sum ${held.rssMb.toFixed(0)} MB (PSS: ${held.members})`);
  console.log(`  and ${SETTLE_MS / 1000} s later: PSS ${settled.pssMb.toFixed(0)} MB, RSS sum ${settled.rssMb.toFixed(0)} MB (PSS: ${settled.members})`);
  if (received < COUNT) process.exitCode = 1;
} finally {
  await driver.quit();
}
