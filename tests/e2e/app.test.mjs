// End-to-end tests of the real app: the release UI embedded in the debug binary, in a real WebKitGTK
// window, driven through tauri-driver and WebKitWebDriver. run.sh starts the display, the session bus and
// the driver; WSDOCTOR_APP and WEBDRIVER_URL say where they are.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Builder, By, until } from "selenium-webdriver";

const APP = process.env.WSDOCTOR_APP;
const SERVER = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444/";
const WAIT_MS = 15_000;

/** @type {import("selenium-webdriver").WebDriver} */
let driver;

async function waitFor(locator) {
  return driver.wait(until.elementLocated(locator), WAIT_MS, `waiting for ${locator}`);
}

async function showSection(id) {
  await (await waitFor(By.id(`nav-${id}`))).click();
}

/** Picks a lab endpoint, sends `message`, and waits until the run has a final verdict. */
async function runAgainst(endpointId, message = "Hello from WebDriver") {
  await showSection("checklist");
  await (await waitFor(By.css(`input[data-endpoint-id="${endpointId}"]`))).click();
  const input = await waitFor(By.id("message"));
  await input.clear();
  await input.sendKeys(message);
  await (await waitFor(By.id("connect"))).click();
  const summary = await waitFor(By.id("run-summary"));
  await driver.wait(
    async () => (await summary.getAttribute("data-status")) !== "running",
    WAIT_MS,
    `the run against ${endpointId} did not finish`,
  );
  const steps = await driver.findElements(By.css(".timeline li"));
  return {
    status: await summary.getAttribute("data-status"),
    text: await summary.getText(),
    timeline: (await Promise.all(steps.map((step) => step.getText()))).join("\n"),
  };
}

describe("WS Doctor app", () => {
  before(async () => {
    assert.ok(APP && existsSync(APP), `WSDOCTOR_APP must name the built app (got ${APP})`);
    driver = await new Builder()
      .usingServer(SERVER)
      .withCapabilities({ browserName: "wry", "tauri:options": { application: APP } })
      .build();
  });

  after(async () => {
    await driver?.quit();
  });

  it("opens on the Checklist with the built-in lab as the default target", async () => {
    assert.equal(await driver.getTitle(), "WS Doctor");
    const heading = await waitFor(By.id("checklist-heading"));
    assert.equal(await heading.getText(), "Checklist");
    const target = await waitFor(By.id("target-url"));
    await driver.wait(async () => (await target.getAttribute("value")) !== "", WAIT_MS);
    assert.match(await target.getAttribute("value"), /^ws:\/\/127\.0\.0\.1:\d+\/echo$/);
    const endpoints = await driver.findElements(By.css("input[data-endpoint-id]"));
    assert.ok(endpoints.length >= 13, `the lab lists its endpoints (found ${endpoints.length})`);
  });

  it("streams the echoed message back from the lab's /echo", async () => {
    const message = `echo check ${Date.now()}`;
    const run = await runAgainst("echo", message);
    assert.equal(run.status, "pass", run.text);
    assert.match(run.timeline, /WebSocket open \(HTTP 101\)/);
    assert.ok(run.timeline.includes(`Received\n${message}`) || run.timeline.includes(message), run.timeline);
    assert.match(run.timeline, /Closed by WS Doctor: 1000/);
  });

  it("shows a server close with its code and meaning", async () => {
    const run = await runAgainst("close-1011");
    assert.equal(run.status, "fail");
    assert.match(run.text, /1011: Internal error/);
    assert.match(run.timeline, /lab: simulated server error/);
  });

  it("shows a plain web page as a failed upgrade", async () => {
    const run = await runAgainst("http");
    assert.equal(run.status, "fail");
    assert.match(run.text, /Failed during the WebSocket upgrade: the server answered HTTP 200 OK/);
  });

  it("shows a connection dropped without a close frame", async () => {
    const run = await runAgainst("drop");
    assert.equal(run.status, "fail");
    assert.match(run.text, /without a close frame \(1006\)/);
  });

  it("says what the later sections will hold, and shows no invented data", async () => {
    for (const [id, heading] of [["console", "Console"], ["profiles", "Profiles"], ["reports", "Reports"]]) {
      await showSection(id);
      const title = await waitFor(By.id(`${id}-heading`));
      assert.equal(await title.getText(), heading);
      const body = await (await waitFor(By.css(".planned"))).getText();
      assert.match(body, /What this section will hold/);
    }
  });

  it("About shows the version, the lab and a log directory that holds today's log", async () => {
    await showSection("about");
    const version = await waitFor(By.id("about-version"));
    assert.match(await version.getText(), /^\d+\.\d+\.\d+/);
    const lab = await (await waitFor(By.id("about-lab"))).getText();
    assert.match(lab, /ws:\/\/127\.0\.0\.1:\d+ and wss:\/\/127\.0\.0\.1:\d+/);
    const logDir = (await (await waitFor(By.css("#about-logs code"))).getText()).trim();
    assert.ok(existsSync(logDir), `log dir ${logDir} exists`);
    assert.ok(
      readdirSync(logDir).some((name) => name.startsWith("wsdoctor") && name.endsWith(".log")),
      `a wsdoctor log file in ${logDir}`,
    );
  });
});
