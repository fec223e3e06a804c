// The installed package's app in a real window (run by scripts/test-package through run.sh with
// WSDOCTOR_APP=/usr/bin/wsdoctor-app): it opens, shows its views, reports its version, and runs a check on
// its built-in lab. Not one of the suite's *.test.mjs files: it needs the package installed.
import assert from "node:assert/strict";
import { WAIT_MS, helpers, startApp } from "./window.mjs";

const expected = process.argv[2];
const driver = await startApp();
const { find, showSection, waitFor, replaceText } = helpers(() => driver);
try {
  assert.equal(await driver.getTitle(), "WS Doctor");
  await find("#nav-checklist");
  await showSection("about");
  const version = await find("#about-version");
  await waitFor(async () => (await version.getText()) === expected, `About shows version ${expected}`);
  await showSection("checklist");
  const option = await find('#lab-endpoint option[data-endpoint-id="echo"]');
  const url = await option.getAttribute("value");
  assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/echo$/);
  await replaceText(await find("#target-url"), url);
  await (await find("#run")).click();
  const summary = await find("#run-summary");
  await driver.wait(async () => (await summary.getAttribute("data-status")) === "pass", WAIT_MS, "the lab's echo check passes");
  console.log(`the installed app ${expected} opened, and checked ${url}: healthy`);
} finally {
  await driver.quit();
}
