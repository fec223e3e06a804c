// End-to-end tests of the real app: the release UI embedded in the debug binary, in a real WebKitGTK
// window, driven through tauri-driver and WebKitWebDriver. run.sh starts the display, the session bus and
// the driver, and sets WSDOCTOR_APP, WEBDRIVER_URL and the dialog test seam (WSDOCTOR_TEST_SAVE_DIR).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { By, until } from "selenium-webdriver";
import { WAIT_MS, helpers, startApp as start } from "./window.mjs";

const APP = process.env.WSDOCTOR_APP;
const SAVE_DIR = process.env.WSDOCTOR_TEST_SAVE_DIR;

/** @type {import("selenium-webdriver").WebDriver} */
let driver;
const { find, showSection, screenshot, replaceText, waitFor } = helpers(() => driver);
// The lab's token endpoint accepts this bearer token (wsdoctor_core::lab::LAB_TOKEN).
const LAB_TOKEN = "lab-token";

async function labUrl(id) {
  const option = await find(`#lab-endpoint option[data-endpoint-id="${id}"]`);
  return option.getAttribute("value");
}

async function setUrl(url) {
  await replaceText(await find("#target-url"), url);
}

/** Waits until no process runs the app binary (its exit handlers have run). */
async function waitForExit() {
  const running = () => {
    try {
      return execFileSync("pgrep", ["-f", APP], { encoding: "utf8" }).trim() !== "";
    } catch {
      return false; // pgrep exits 1 when nothing matches
    }
  };
  for (let waited = 0; running(); waited += 100) {
    assert.ok(waited < WAIT_MS, "the app did not quit when asked");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the checklist and waits for its verdict; returns the summary line and the item states. */
async function runChecklist() {
  await (await find("#run")).click();
  const summary = await find("#run-summary");
  await driver.wait(async () => (await summary.getAttribute("data-status")) !== "running", WAIT_MS, "the run did not finish");
  await find("#run");
  const items = await driver.findElements(By.css(".item"));
  const states = {};
  for (const item of items) states[await item.getAttribute("data-check")] = await item.getAttribute("data-state");
  return { status: await summary.getAttribute("data-status"), text: await summary.getText(), states };
}

describe("WS Doctor app", () => {
  before(async () => {
    assert.ok(APP && existsSync(APP), `WSDOCTOR_APP must name the built app (got ${APP})`);
    driver = await start();
  });

  after(async () => {
    await driver?.quit();
  });

  it("opens on the Checklist with the built-in lab's echo as the default target", async () => {
    assert.equal(await driver.getTitle(), "WS Doctor");
    assert.equal(await (await find("#checklist-heading")).getText(), "Checklist");
    const target = await find("#target-url");
    await driver.wait(async () => (await target.getAttribute("value")) !== "", WAIT_MS);
    assert.match(await target.getAttribute("value"), /^ws:\/\/127\.0\.0\.1:\d+\/echo$/);
    const options = await driver.findElements(By.css("#lab-endpoint option[data-endpoint-id]"));
    assert.ok(options.length >= 13, `the lab lists its endpoints (found ${options.length})`);
    assert.ok((await driver.findElements(By.css("[data-manual]"))).length >= 4, "the manual items are listed");
  });

  it("checks /echo and every automated item passes, streamed as it runs", async () => {
    const run = await runChecklist();
    assert.equal(run.status, "pass", run.text);
    for (const [id, state] of Object.entries(run.states)) {
      assert.ok(state === "pass" || state === "info", `${id} is ${state}`);
    }
    assert.equal(run.states.handshake, "pass");
    assert.equal(run.states.message, "pass");
    const message = await (await find('.item[data-check="message"] .item-summary')).getText();
    assert.match(message, /The server answered in \d+ ms: wsdoctor check/);
    await screenshot("checklist-healthy");
  });

  it("names the cause and the fix for a lab endpoint that fails", async () => {
    await setUrl(await labUrl("close-1011"));
    const run = await runChecklist();
    assert.equal(run.status, "fail");
    assert.match(run.text, /Broken: The server closed with an error code \(close\.server_error\)/);
    const cause = await find('.diagnosis[data-code="close.server_error"]');
    assert.match(await cause.getText(), /Fix: Check the server's log/);
    await setUrl(await labUrl("subprotocol"));
    const second = await runChecklist();
    assert.match(second.text, /subprotocol\.required/);
    assert.equal(second.states.message, "skip", "what the root cause makes moot is skipped");
    await screenshot("checklist-broken");
  });

  it("checks the lab's Socket.IO server at its own level, in the Framework section", async () => {
    await setUrl(await labUrl("socketio-no-namespace"));
    const refused = await runChecklist();
    assert.match(refused.text, /socketio\.namespace_invalid/);
    await setUrl(await labUrl("socketio"));
    const run = await runChecklist();
    for (const id of ["socketio_open", "socketio_namespace", "socketio_upgrade"]) {
      assert.equal(run.states[id], "pass", `${id} passes`);
    }
    const section = await find('.checklist-section[data-section="framework"]');
    assert.match(await (await section.findElement(By.css("h2"))).getText(), /Framework/);
    const item = await section.findElement(By.css('.item[data-check="socketio_namespace"]'));
    await (await item.findElement(By.css("summary"))).click();
    await driver.wait(async () => /EIO=4&transport=polling/.test(await item.getText()), WAIT_MS, "the polling exchanges are the evidence");
    await screenshot("checklist-socketio");
  });

  it("cancels a run that would wait for a hung server", async () => {
    await setUrl(await labUrl("hang"));
    await (await find("#run")).click();
    const cancel = await find("#cancel");
    await driver.sleep(300);
    const started = Date.now();
    await cancel.click();
    const summary = await find("#run-summary");
    await driver.wait(async () => /Cancelled/.test(await summary.getText()), WAIT_MS);
    assert.ok(Date.now() - started < 3000, "cancelled well before the 5 s handshake timeout");
  });

  it("puts a ticked manual item and the ticket fields into the exported Markdown, JSON and HTML", async () => {
    await setUrl(await labUrl("origin"));
    const run = await runChecklist();
    assert.match(run.text, /handshake\.origin_rejected/);
    await (await find('[data-manual="devtools_101"] input[value="fail"]')).click();
    const note = await find('[data-manual="devtools_101"] textarea');
    await note.sendKeys("DevTools shows 403 Forbidden on /origin");

    await showSection("reports");
    await (await find("#ticket-id")).sendKeys("SUP-4711");
    await (await find("#ticket-reporter")).sendKeys("QA night shift");
    // Rendered as the ticket will show it (a heading, the manual items' table), the Markdown a toggle away.
    const rendered = await find("#report-rendered");
    await driver.wait(async () => /SUP-4711/.test(await rendered.getText()), WAIT_MS, "the preview follows the ticket fields");
    assert.ok((await rendered.findElements(By.xpath(".//h2[normalize-space()='Manual checks']"))).length === 1);
    assert.ok((await rendered.findElements(By.css("table td"))).length > 0, "tables are rendered");
    await (await find("#preview-markdown")).click();
    const preview = await find("#report-preview");
    assert.match(await preview.getText(), /SUP-4711/);
    assert.match(await preview.getText(), /## Manual checks/);
    await (await find("#preview-rendered")).click();

    const exported = {};
    for (const format of ["markdown", "json", "html"]) {
      await (await find(`#export-${format}`)).click();
      const status = await find("#export-status");
      await driver.wait(async () => /Saved to/.test(await status.getText()), WAIT_MS);
      const path = (await status.getText()).replace("Saved to ", "").trim();
      assert.ok(path.startsWith(SAVE_DIR), path);
      exported[format] = readFileSync(path, "utf8");
    }
    assert.match(exported.markdown, /^# WS Doctor report/);
    assert.match(exported.markdown, /\| WebSocket setup \| DevTools shows the WebSocket request with 101 Switching Protocols \| fail \| DevTools shows 403 Forbidden on \/origin \|/);
    assert.match(exported.markdown, /- Ticket: SUP-4711/);
    const json = JSON.parse(exported.json);
    assert.equal(json.diagnoses[0].code, "handshake.origin_rejected");
    assert.equal(json.manual.find((m) => m.id === "devtools_101").status, "fail");
    assert.equal(json.ticket.id, "SUP-4711");
    assert.match(exported.html, /^<!doctype html>/);
    assert.ok(!/<script|<link|src=/.test(exported.html), "the HTML is self-contained");
    assert.match(exported.html, /handshake\.origin_rejected/);
    await screenshot("report");
  });

  it("keeps a history per target and reopens a past run read-only", async () => {
    await showSection("checklist");
    await setUrl(await labUrl("echo"));
    const history = await find("#history");
    await (await history.findElement(By.css("summary"))).click();
    const entries = await history.findElements(By.css("li button"));
    assert.ok(entries.length >= 1, "the earlier /echo run is in the history");
    await entries[entries.length - 1].click();
    const summary = await find("#run-summary");
    await driver.wait(async () => /read-only/.test(await summary.getText()), WAIT_MS);
    assert.equal((await driver.findElements(By.css(".checklist-section header button"))).length, 0, "no re-run on a past run");
  });

  it("talks to the lab's echo in the Console: text and hex, filters, and a close with a code", async () => {
    await showSection("checklist");
    const echo = await labUrl("echo");
    await showSection("console");
    const url = await find("#console-url");
    await replaceText(url, echo);
    await (await find("#console-connect")).click();
    const state = await find(".console-session:not([hidden]) .state");
    await waitFor(async () => (await state.getText()).toLowerCase() === "open", "the session opens");
    const id = await (await find(".console-session:not([hidden])")).getAttribute("data-console");

    const draft = await find(`#draft-${id}`);
    await draft.sendKeys("hello console");
    await (await find(`#send-${id}`)).click();
    await driver.wait(until.elementLocated(By.xpath(`//div[@data-direction="in" and @data-kind="text"]//span[contains(., "hello console")]`)), WAIT_MS);

    await (await find(`#mode-${id} option[value="hex"]`)).click();
    await draft.sendKeys("de ad be ef");
    await (await find(`#send-${id}`)).click();
    await driver.wait(until.elementLocated(By.xpath(`//div[@data-direction="in" and @data-kind="binary"]//span[contains(., "de ad be ef")]`)), WAIT_MS);

    await draft.sendKeys("zz");
    await (await find(`#send-${id}`)).click();
    const sendError = await find(`#send-error-${id}`);
    assert.match(await sendError.getText(), /not valid hex/);
    await replaceText(draft, "");

    await (await find('.console-session:not([hidden]) .filters select option[value="in"]')).click();
    const shownDirections = await Promise.all(
      (await driver.findElements(By.css(".console-session:not([hidden]) .entry"))).map((e) => e.getAttribute("data-direction")),
    );
    assert.ok(shownDirections.length >= 2 && shownDirections.every((d) => d === "in"), shownDirections.join(","));
    await (await find('.console-session:not([hidden]) .filters select option[value="all"]')).click();

    const code = await find(`#close-code-${id}`);
    await replaceText(code, "4001");
    await (await find(`#close-${id}`)).click();
    await waitFor(async () => (await state.getText()).toLowerCase() === "closed", "the session closes");
    const closes = await driver.findElements(By.css('.console-session:not([hidden]) .entry[data-kind="close"]'));
    const texts = await Promise.all(closes.map((c) => c.getAttribute("textContent")));
    assert.ok(texts.some((t) => /4001: Application-defined/.test(t)), texts.join("\n"));
    await screenshot("console");
  });

  it("shows a bad URL next to the field", async () => {
    await showSection("checklist");
    await setUrl("ftp://example.test/socket");
    await (await find("#run")).click();
    const error = await find("#target-url-error");
    assert.match(await error.getText(), /not a WebSocket scheme/);
    assert.equal(await (await find("#target-url")).getAttribute("aria-invalid"), "true");
  });

  it("saves a profile with a secret header in the keyring, keeps it across a restart, and passes the lab's token check", async () => {
    await showSection("checklist");
    const auth = await labUrl("auth");
    await showSection("profiles");
    await (await find("#profile-new")).click();
    await (await find("#profile-name")).sendKeys("lab auth");
    await (await find("#profile-url")).sendKeys(auth);
    await (await find("#profile-add-header")).click();
    await (await find(".profile-header-name")).sendKeys("Authorization");
    await (await find(".profile-header-secret")).click();
    await (await find('input[data-secret="header/authorization"]')).sendKeys(`Bearer ${LAB_TOKEN}`);
    await (await find("#profile-save")).click();
    const state = await find('[data-secret-state="header/authorization"]');
    await driver.wait(async () => (await state.getText()) === "set (keyring)", WAIT_MS, "the secret is in the keyring");

    await (await find("#profile-export")).click();
    const exported = join(SAVE_DIR, "lab-auth.wsdoctor.json");
    await driver.wait(async () => existsSync(exported), WAIT_MS, "the export is written");
    const shared = readFileSync(exported, "utf8");
    assert.ok(!shared.includes(LAB_TOKEN), shared);
    assert.match(shared, /"needsSecret": \[\s*"header Authorization"/);
    await screenshot("profiles");

    // A new app process: the profile comes from disk, its secret from the keyring.
    await driver.quit();
    driver = await start();
    await showSection("checklist");
    const authNow = await labUrl("auth"); // the lab's port is new each launch
    await showSection("profiles");
    await (await find('[data-profile="lab auth"]')).click();
    const url = await find("#profile-url");
    await driver.wait(async () => (await url.getAttribute("value")) !== "", WAIT_MS);
    await replaceText(url, authNow);
    assert.equal(await (await find('[data-secret-state="header/authorization"]')).getText(), "set (keyring)");
    await (await find("#profile-save")).click();
    await (await find("#profile-open-checklist")).click();
    assert.equal(await (await find(".profile-name")).getText(), "lab auth");
    const run = await runChecklist();
    assert.equal(run.status, "pass", run.text);
    assert.equal(run.states.handshake, "pass");

    // The same profile in the Console: Rust fills in the secret again; the session is exported.
    await showSection("console");
    await (await find("#console-connect")).click();
    const session = await find(".console-session:not([hidden])");
    const id = await session.getAttribute("data-console");
    const sessionState = await find(`#state-${id}`);
    await driver.wait(async () => (await sessionState.getText()).toLowerCase() === "open", WAIT_MS, "the session opens with the profile's token");
    await (await find(`#draft-${id}`)).sendKeys("hello with a profile");
    await (await find(`#send-${id}`)).click();
    await driver.wait(until.elementLocated(By.xpath(`//div[@data-direction="in"]//span[contains(., "hello with a profile")]`)), WAIT_MS);
    await (await find(`#export-jsonl-${id}`)).click();
    const notice = await find(`#notice-${id}`);
    await driver.wait(async () => /Saved to/.test(await notice.getText()), WAIT_MS);

    await showSection("reports");
    await (await find("#export-markdown")).click();
    const status = await find("#export-status");
    await driver.wait(async () => /Saved to/.test(await status.getText()), WAIT_MS);

    // Every file the app wrote (profiles and backups, history, logs, exports): none holds the token.
    const roots = [process.env.XDG_DATA_HOME, process.env.XDG_CONFIG_HOME, process.env.XDG_CACHE_HOME, SAVE_DIR].filter(Boolean);
    const files = roots.flatMap((root) => (existsSync(root) ? readdirSync(root, { recursive: true }).map((f) => join(root, String(f))) : []));
    const written = files.filter((f) => statSync(f).isFile());
    assert.ok(written.some((f) => f.includes("profiles")) && written.some((f) => f.endsWith(".log")), written.join("\n"));
    for (const file of written) assert.ok(!readFileSync(file).includes(LAB_TOKEN), `${file} holds the secret`);
  });

  it("About shows the version, the lab and a log directory that holds today's log", async () => {
    await showSection("about");
    assert.match(await (await find("#about-version")).getText(), /^\d+\.\d+\.\d+/);
    assert.match(await (await find("#about-lab")).getText(), /ws:\/\/127\.0\.0\.1:\d+ and wss:\/\/127\.0\.0\.1:\d+/);
    const logDir = (await (await find("#about-logs code")).getText()).trim();
    assert.ok(existsSync(logDir), `log dir ${logDir} exists`);
    assert.ok(readdirSync(logDir).some((name) => name.startsWith("wsdoctor") && name.endsWith(".log")));
  });

  // Last: it ends the app.
  it("deletes a profile with an undo, and its secret leaves the keyring when the app quits inside the undo", async () => {
    await showSection("profiles");
    await (await find('[data-profile="lab auth"]')).click();
    await (await find("#profile-delete")).click();
    await find("#profile-undo");
    const config = process.env.XDG_CONFIG_HOME;
    const deleted = readdirSync(config, { recursive: true })
      .map((f) => join(config, String(f)))
      .find((f) => f.endsWith(".json.bak") && !existsSync(f.replace(/\.bak$/, "")) && readFileSync(f, "utf8").includes('"name": "lab auth"'));
    assert.ok(deleted, "the deleted profile's file is kept aside as .bak");

    // The app is told to quit (as at a logout; WebDriver itself can only kill it) well inside the 10 s undo.
    execFileSync("pkill", ["-TERM", "-f", APP]);
    await waitForExit();
    // End the WebDriver session too: WebKitWebDriver holds one at a time, and the next test file needs it.
    await driver.quit().catch(() => undefined);
    driver = null;

    // Put the file back by hand: the profile returns, its secret does not.
    copyFileSync(deleted, deleted.replace(/\.bak$/, ""));
    const cli = join(dirname(APP), "wsdoctor");
    const shown = JSON.parse(execFileSync(cli, ["profiles", "show", "lab auth", "--json"], { encoding: "utf8", timeout: 20_000 }));
    const logs = readdirSync(process.env.XDG_DATA_HOME, { recursive: true }).map((f) => join(process.env.XDG_DATA_HOME, String(f))).filter((f) => f.endsWith(".log"));
    const tail = logs.map((f) => readFileSync(f, "utf8").split("\n").slice(-8).join("\n")).join("\n");
    assert.deepEqual(shown.secrets, [{ secret: "header Authorization", state: "not set" }], tail);
    assert.match(tail, /secrets of deleted profiles forgotten at exit profiles=1/);
    assert.match(tail, /WS Doctor quitting/, "the log is flushed at exit");
  });
});
