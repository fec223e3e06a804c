// The finish a person expects of the app, in the real window: the verdict in sight and the first cause
// focused when a run ends, the report preview rendered, keyboard shortcuts and their help, dark mode, the
// window's size and last view kept across launches, an accessibility audit (axe-core) of every view in
// both themes with no serious or critical violation, and a long console capture kept on disk beyond a window
// in memory, its files deleted when the session closes and when the app quits.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { By, Key } from "selenium-webdriver";
import { WAIT_MS, helpers, startApp } from "./window.mjs";

const APP = process.env.WSDOCTOR_APP;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const VIEWS = ["checklist", "console", "profiles", "reports", "about"];
// Where the app spills console entries: its cache dir (run.sh points XDG_CACHE_HOME at a scratch folder).
const SPILL_DIR = `${process.env.XDG_CACHE_HOME}/dev.wsdoctor.app/console`;
const spillFiles = () => {
  try {
    return readdirSync(SPILL_DIR).filter((name) => name.startsWith("wsdoctor-console-"));
  } catch {
    return [];
  }
};

/** @type {import("selenium-webdriver").WebDriver} */
let driver;
const { find, showSection, replaceText, waitFor, screenshot } = helpers(() => driver);

/** Quits the app as a logout does (SIGTERM: its exit handlers run), then launches it again. */
async function restart(whenQuit = () => undefined) {
  execFileSync("pkill", ["-TERM", "-f", APP]);
  for (let waited = 0; ; waited += 100) {
    try {
      execFileSync("pgrep", ["-f", APP]);
    } catch {
      break; // pgrep exits 1 when nothing matches
    }
    assert.ok(waited < WAIT_MS, "the app did not quit when asked");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  whenQuit();
  await driver.quit().catch(() => undefined);
  driver = await startApp();
}

async function visibleView() {
  return driver.executeScript('return document.querySelector(".view[data-view]:not([hidden])")?.dataset.view');
}

/** axe-core's serious and critical violations in what the window shows now. */
async function audit(where) {
  await driver.executeScript(`${AXE}\n;window.__axe = axe;`);
  const violations = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.__axe.run(document, { resultTypes: ["violations"] })
      .then((r) => done(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary) }))))
      .catch((e) => done([{ id: "axe-failed", help: String(e), nodes: [] }]));`);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

describe("A finished app", () => {
  before(async () => {
    driver = await startApp();
    await find("#nav-checklist");
  });
  after(async () => {
    if (driver) {
      // Leave the shared app data as the other test files expect it: the checklist, the system theme.
      await showSection("about").catch(() => undefined);
      await (await find("#theme-system")).click().catch(() => undefined);
      await showSection("checklist").catch(() => undefined);
      await driver.quit();
    }
  });

  it("brings the verdict into view when a run ends and focuses the first cause", async () => {
    await driver.manage().window().setRect({ width: 1000, height: 620 });
    await showSection("checklist");
    const broken = await (await find('#lab-endpoint option[data-endpoint-id="close-1011"]')).getAttribute("value");
    await replaceText(await find("#target-url"), broken);
    // The drawers open push the verdict's place below the window's fold.
    await (await find("#advanced-drawer > summary")).click();
    await (await find("#server-drawer > summary")).click();
    await driver.executeScript('document.querySelector(".content").scrollTop = 0');
    await (await find("#target-url")).sendKeys(Key.chord(Key.CONTROL, Key.ENTER));
    const summary = await find("#run-summary");
    await waitFor(async () => !["running", "pending"].includes(await summary.getAttribute("data-status")), "the run ends");
    await waitFor(
      async () => driver.executeScript(`const r = document.getElementById("run-summary").getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;`),
      "the verdict is in view",
    );
    await waitFor(async () => (await driver.executeScript("return document.activeElement?.dataset.code")) === "close.server_error", "the first cause has the focus");
    await screenshot("finish-verdict");
    await (await find("#advanced-drawer > summary")).click();
    await (await find("#server-drawer > summary")).click();
  });

  it("renders the report preview, with the Markdown a toggle away", async () => {
    await showSection("reports");
    const rendered = await find("#report-rendered");
    await waitFor(async () => (await rendered.findElements(By.css("h1, h2"))).length > 0, "the preview is rendered");
    assert.match(await rendered.getText(), /close\.server_error/);
    assert.equal((await rendered.findElements(By.css("script, iframe, img"))).length, 0);
    await (await find("#preview-markdown")).click();
    assert.match(await (await find("#report-preview")).getText(), /^# WS Doctor report/);
    await (await find("#preview-rendered")).click();
  });

  it("switches views from the keyboard and lists the shortcuts in a help overlay", async () => {
    const body = await driver.findElement(By.css("body"));
    await body.sendKeys(Key.chord(Key.CONTROL, "2"));
    await waitFor(async () => (await visibleView()) === "console", "Ctrl+2 shows the console");
    await body.sendKeys(Key.F1);
    const help = await find("#shortcut-help");
    const text = await help.getText();
    assert.match(text, /Ctrl\+Shift\+Enter\s*Connect/);
    assert.match(text, /Ctrl\+1\s*Show the checklist/);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(async () => (await driver.findElements(By.css("#shortcut-help"))).length === 0, "Escape closes the help");
    await driver.actions().keyDown(Key.CONTROL).sendKeys("1").keyUp(Key.CONTROL).perform();
    await waitFor(async () => (await visibleView()) === "checklist", "Ctrl+1 shows the checklist");
  });

  it("passes an accessibility audit in every view, light and dark", async () => {
    for (const theme of ["light", "dark"]) {
      await showSection("about");
      await (await find(`#theme-${theme}`)).click();
      for (const view of VIEWS) {
        await showSection(view);
        await audit(`${view} (${theme})`);
      }
    }
  });

  /** Opens a console session on the lab's `/flood?query`; resolves to its status line. */
  async function connectFlood(query) {
    await showSection("console");
    const echo = await (await find('#lab-endpoint option[data-endpoint-id="echo"]')).getAttribute("value");
    await replaceText(await find("#console-url"), echo.replace(/\/echo$/, `/flood?${query}`));
    await (await find("#console-connect")).click();
    return find(".console-session:not([hidden]) .status-line");
  }

  /**
   * Opens a console session on the lab's flood of `count` messages and waits until it has them all. At
   * 10,000 a second the page gets every entry: unthrottled, the batches skip entries to keep up, and a page
   * that got fewer than its window of 10,000 never let its first go (so it has nothing "older" to load).
   */
  async function flood(count) {
    const status = await connectFlood(`n=${count}&rate=10000`);
    await waitFor(async () => (await status.getText()).includes(`in ${count} `), `the ${count} messages arrive`);
    return status;
  }

  it("keeps a long capture's older entries on disk and deletes them when the session closes", async () => {
    const status = await flood(25_000);
    // The newest 10,000 in memory, the rest in a file in the cache dir, said in the status line.
    await waitFor(async () => /\b1[45]\d{3} older entries on disk/.test(await status.getText()), "the status line counts the entries on disk");
    assert.ok(spillFiles().length > 0, `no spill file in ${SPILL_DIR}`);
    // The list holds the newest 10,000 too: "Load older" pages back into what only the file has.
    const session = await find(".console-session:not([hidden])");
    const shownOf = async () => Number(/of (\d+) shown/.exec(await session.getText())?.[1]);
    const held = await shownOf();
    await (await session.findElement(By.xpath(".//button[normalize-space()='Load older']"))).click();
    await waitFor(async () => (await shownOf()) === held + 500, "500 older entries are read back from the file");
    await (await find('.tabs button[aria-label^="Close tab"]')).click();
    await waitFor(async () => spillFiles().length === 0, "the spill files are deleted with the session");
  });

  it("holds at most 20,000 entries in the page while scrolled up through a flood, and reloads the newest on following", async () => {
    // At 5,000 a second every batch continues the last (a batch that passed over entries would stop the
    // paused list short of its limit: it only grows by unbroken runs).
    const status = await connectFlood("n=40000&rate=5000");
    const session = await find(".console-session:not([hidden])");
    const received = async () => Number(/in (\d+)/.exec(await status.getText())?.[1] ?? 0);
    await waitFor(async () => (await received()) >= 2000, "the flood starts");
    // The user scrolls up with the wheel: the list pauses where it is. (Moving it from a script alone does
    // not pause it: only what a person does does.)
    await driver.executeScript(`const l = document.querySelector(".console-session:not([hidden]) .message-list");
      l.dispatchEvent(new WheelEvent("wheel", { deltaY: -500, bubbles: true }));
      l.scrollTop = 0;`);
    const newButton = await find(".console-session:not([hidden]) .new-entries");
    await waitFor(async () => (await received()) === 40000, "the 40000 messages arrive");
    const counts = async () => /(\d+) of (\d+) shown/.exec(await session.getText())?.slice(1).map(Number);
    assert.deepEqual(await counts(), [20000, 20000], "the paused page stops growing at 20,000 entries");
    assert.match(await newButton.getText(), /^\d+ new/);
    await newButton.click();
    // Following again shows the newest, read back from the session, and no more than the window.
    await waitFor(async () => {
      const last = await driver.executeScript('const rows = document.querySelectorAll(".console-session:not([hidden]) .entry"); return Number(rows[rows.length - 1]?.dataset.seq ?? 0);');
      return last > 40000;
    }, "the newest entry is shown");
    const [shown] = (await counts()) ?? [0];
    assert.ok(shown <= 10000, `${shown} entries in the page after following again`);
    await (await find('.tabs button[aria-label^="Close tab"]')).click();
  });

  it("runs its page without WebGL, Web Audio or media (src-tauri/src/webview_settings.rs)", async () => {
    const features = await driver.executeScript(`return {
      webgl: document.createElement("canvas").getContext("webgl") !== null,
      webgl2: document.createElement("canvas").getContext("webgl2") !== null,
      audio: typeof window.AudioContext !== "undefined" || typeof window.webkitAudioContext !== "undefined",
      media: typeof document.createElement("video").canPlayType === "function",
    }`);
    assert.deepEqual(features, { webgl: false, webgl2: false, audio: false, media: false });
  });

  it("keeps dark mode, the window's size and the last view across a restart", async () => {
    await showSection("about");
    await (await find("#theme-dark")).click();
    const background = () => driver.executeScript("return getComputedStyle(document.documentElement).backgroundColor");
    assert.equal(await driver.executeScript("return document.documentElement.dataset.theme"), "dark");
    await driver.manage().window().setRect({ width: 980, height: 640 });
    await showSection("console");
    await screenshot("finish-dark-console");
    // A session left open when the app quits: its file goes at exit.
    await flood(12_000);
    await waitFor(async () => spillFiles().length > 0, "the open session spills");
    await showSection("console");
    await restart(() => assert.deepEqual(spillFiles(), [], "spill files left after the app quit"));
    await find("#nav-checklist");
    assert.equal(await visibleView(), "console");
    assert.equal(await driver.executeScript("return document.documentElement.dataset.theme"), "dark");
    assert.equal(await background(), "rgb(18, 24, 22)"); // --bg of the dark theme
    const { width, height } = await driver.manage().window().getRect();
    assert.ok(Math.abs(width - 980) <= 2 && Math.abs(height - 640) <= 2, `the window is ${width}x${height}, not 980x640`);
  });
});
