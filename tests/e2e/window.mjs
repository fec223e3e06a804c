// What every end-to-end test file needs of the app's window: launching the app through tauri-driver,
// and the few moves a user makes (find, type, wait), each failing with what it waited for.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Builder, By, until } from "selenium-webdriver";
import { emptyField } from "./fields.mjs";

const SERVER = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444/";
const SCREENSHOTS = process.env.WSDOCTOR_SCREENSHOTS;
export const WAIT_MS = 20_000;

/**
 * Launches the app (tauri-driver starts a new process for each session). WebKitWebDriver takes one session
 * at a time and lets go of the previous test file's a moment after its quit: a refusal for that is retried.
 */
export async function startApp() {
  const started = Date.now();
  for (;;) {
    try {
      return await new Builder().usingServer(SERVER).withCapabilities({ browserName: "wry", "tauri:options": { application: process.env.WSDOCTOR_APP } }).build();
    } catch (error) {
      if (!/Maximum number of active sessions/.test(String(error)) || Date.now() - started > WAIT_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The user's moves in the window of `current()` (a function: a test may restart the app). */
export function helpers(current) {
  async function find(css) {
    return current().wait(until.elementLocated(By.css(css)), WAIT_MS, `waiting for ${css}`);
  }

  async function showSection(id) {
    await (await find(`#nav-${id}`)).click();
  }

  async function screenshot(name) {
    if (!SCREENSHOTS) return;
    writeFileSync(join(SCREENSHOTS, `${name}.png`), await current().takeScreenshot(), "base64");
  }

  /** Waits for `condition`; a timeout names what was awaited (`what`: text, or a function giving it) and quotes the errors the window shows. */
  async function waitFor(condition, what) {
    try {
      await current().wait(condition, WAIT_MS);
    } catch (error) {
      const alerts = await current().findElements(By.css('[role="alert"]'));
      const shown = (await Promise.all(alerts.map((a) => a.getText()))).filter((t) => t !== "");
      throw new Error(`${typeof what === "function" ? what() : what}: ${error.message}${shown.length ? `; the window shows: ${shown.join(" | ")}` : ""}`);
    }
  }

  /** Replaces a field's text as a user would, and checks it holds exactly `text` (see fields.mjs for why not clear()). */
  async function replaceText(input, text) {
    await emptyField(current(), input);
    if (text !== "") await input.sendKeys(text);
    let value = null;
    await waitFor(async () => (value = await input.getAttribute("value")) === text, () => `the field holds ${JSON.stringify(text)}, not ${JSON.stringify(value)}`);
  }

  return { find, showSection, screenshot, waitFor, replaceText };
}
