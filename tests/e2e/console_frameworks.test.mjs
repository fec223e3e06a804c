// The Console speaking frameworks in the real window, against the real servers of tests/servers (Node
// socket.io and graphql-ws), a real STOMP broker (RabbitMQ with Web-STOMP) and a real MQTT broker
// (mosquitto): an emit with an ack, a GraphQL subscription's `next` entries, a STOMP SEND received on a
// subscription, an MQTT PUBLISH received on a subscription with its payload as typed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { By } from "selenium-webdriver";
import { helpers, startApp } from "./window.mjs";

const SERVERS = join(dirname(fileURLToPath(import.meta.url)), "../servers/node_server.mjs");

/** @type {import("selenium-webdriver").WebDriver} */
let driver;
const { find, showSection, screenshot, replaceText, waitFor } = helpers(() => driver);
const stoppers = [];

/** A Node test server in `mode`; resolves to its port once it listens. */
function nodeServer(mode) {
  const child = spawn(process.execPath, [SERVERS, mode], { stdio: ["pipe", "pipe", "inherit"] });
  stoppers.push(() => child.kill("SIGKILL"));
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (line) => {
      const port = Number(/PORT (\d+)/.exec(String(line))?.[1]);
      if (port) resolve(port);
      else reject(new Error(`${mode} printed ${String(line)}`));
    });
    child.once("exit", (code) => { reject(new Error(`${mode} exited with ${code}`)); });
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => { resolve(port); });
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => { socket.destroy(); resolve(true); });
    socket.once("error", () => { resolve(false); });
  });
}

/** RabbitMQ with Web-STOMP on a free port, in a directory of its own (as the Rust tests start it). */
async function rabbitmq() {
  const [port, dist] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "wsdoctor-e2e-rabbitmq-"));
  writeFileSync(join(dir, "enabled_plugins"), "[rabbitmq_web_stomp].\n");
  writeFileSync(join(dir, "rabbitmq.conf"), `listeners.tcp = none\nweb_stomp.tcp.port = ${port}\nweb_stomp.tcp.ip = 127.0.0.1\n`);
  const child = spawn("/usr/lib/rabbitmq/bin/rabbitmq-server", [], {
    detached: true,
    stdio: "ignore",
    env: {
      ...process.env,
      HOME: dir,
      RABBITMQ_NODENAME: `wsdoctor-e2e-${port}@localhost`,
      RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(dir, "log"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
      RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
      RABBITMQ_PID_FILE: join(dir, "pid"),
      RABBITMQ_DIST_PORT: String(dist),
    },
  });
  stoppers.push(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  for (let waited = 0; !(await listening(port)); waited += 100) {
    assert.ok(waited < 90_000, "RabbitMQ did not listen within 90 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return port;
}

/** Debian's mosquitto with an anonymous MQTT-over-WebSocket listener on a free port (beside the plain
 * MQTT listener it needs to start), in a directory of its own. */
async function mosquitto() {
  const [plain, port] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "wsdoctor-e2e-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `user root\npersistence false\nlog_dest none\nlistener ${plain} 127.0.0.1\nprotocol mqtt\nallow_anonymous true\nlistener ${port}\nprotocol websockets\nallow_anonymous true\n`);
  const child = spawn("/usr/sbin/mosquitto", ["-c", conf], { stdio: "ignore" });
  stoppers.push(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  for (let waited = 0; !(await listening(port)); waited += 50) {
    assert.ok(waited < 10_000, "mosquitto did not listen within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return port;
}

/** Opens a console tab on `url` speaking `protocol`; resolves to the session's id once it has joined. */
async function connect(url, protocol) {
  await showSection("console");
  await replaceText(await find("#console-url"), url);
  await (await find(`#console-protocol option[value="${protocol}"]`)).click();
  const before = await Promise.all((await driver.findElements(By.css(".console-session"))).map((s) => s.getAttribute("data-console")));
  await (await find("#console-connect")).click();
  // The new tab, not the one shown before it opens.
  let id = null;
  await waitFor(async () => {
    const shown = await driver.findElements(By.css(".console-session:not([hidden])"));
    id = shown.length === 1 ? await shown[0].getAttribute("data-console") : null;
    return id !== null && !before.includes(id);
  }, "the new session's tab");
  const dialect = await find(`.console-session[data-console="${id}"] .dialect`);
  await waitFor(async () => !/joining/.test(await dialect.getText()), "the session joins");
  return id;
}

/** Waits for a received entry decoded as `kind` (and named `name`), and returns it. */
async function received(id, kind, name) {
  const named = name ? ` and @data-name="${name}"` : "";
  const xpath = `//div[@data-console="${id}"]//div[@data-direction="in" and @data-decoded="${kind}"${named}]`;
  await waitFor(async () => (await driver.findElements(By.xpath(xpath))).length > 0, `a received ${kind} ${name ?? ""}`);
  return driver.findElements(By.xpath(xpath));
}

/** The auth payload, typed where a user types it: the Checklist's Advanced drawer. */
async function setAuth(json) {
  await showSection("checklist");
  const drawer = await find("#advanced-drawer");
  if ((await drawer.getAttribute("open")) === null) await (await find("#advanced-drawer summary")).click();
  await replaceText(await find("#auth"), json);
}

describe("Console frameworks", () => {
  let ports;

  before(async () => {
    const [socketio, graphql, stomp, mqtt] = await Promise.all([nodeServer("socketio"), nodeServer("graphql"), rabbitmq(), mosquitto()]);
    ports = { socketio, graphql, stomp, mqtt };
    driver = await startApp();
  });

  after(async () => {
    await driver?.quit();
    for (const stop of stoppers) stop();
  });

  it("emits a Socket.IO event with an ack and shows the ack joined to its emit", async () => {
    const id = await connect(`http://127.0.0.1:${ports.socketio}/`, "socketio");
    await replaceText(await find(`#event-${id}`), "echo");
    await replaceText(await find(`#args-${id}`), '"hello e2e" 42');
    await (await find(`#ack-${id}`)).click();
    await (await find(`#emit-${id}`)).click();
    const [ack] = await received(id, "ack", "echo");
    assert.match(await ack.getAttribute("textContent"), /ack.*echo 1 \["hello e2e",42\]/);
    await ack.click();
    const detail = await find(`.console-session[data-console="${id}"] .entry-detail pre`);
    assert.match(await detail.getText(), /acknowledges emit echo \(ack id 1\) after/);
    // The raw frame on demand.
    await (await find(`.console-session[data-console="${id}"] .entry-detail input[type="checkbox"]`)).click();
    assert.match(await detail.getText(), /^431\["hello e2e",42\]$/);
    // Engine.IO heartbeats are kept but hidden until asked for.
    const heartbeats = `//div[@data-console="${id}"]//div[@data-decoded="ping"]`;
    assert.equal((await driver.findElements(By.xpath(heartbeats))).length, 0);
    await (await find(`#heartbeats-${id}`)).click();
    await waitFor(async () => (await driver.findElements(By.xpath(heartbeats))).length > 0, "a heartbeat shown");
    await screenshot("console-socketio");
  });

  it("subscribes to a GraphQL subscription and sees its next entries", async () => {
    await setAuth('{"token": "gql-token"}');
    const id = await connect(`ws://127.0.0.1:${ports.graphql}/graphql`, "graphql-ws");
    await replaceText(await find(`#query-${id}`), "subscription Count($n: Int) { tick(n: $n) }");
    await replaceText(await find(`#variables-${id}`), '{"n": 3}');
    await (await find(`#subscribe-${id}`)).click();
    await received(id, "complete");
    const next = await received(id, "next");
    assert.equal(next.length, 3);
    assert.match(await next[2].getAttribute("textContent"), /next.* 1 \{"data":\{"tick":3\}\}/);
    await setAuth("");
  });

  it("receives a STOMP SEND on its subscription, with receipts", async () => {
    await setAuth('{"login": "guest", "passcode": "guest"}');
    const id = await connect(`ws://127.0.0.1:${ports.stomp}/ws`, "stomp");
    await (await find(`#stomp-command-${id} option[value="subscribe"]`)).click();
    await replaceText(await find(`#destination-${id}`), "/queue/e2e");
    await (await find(`#stomp-send-${id}`)).click();
    await received(id, "RECEIPT");
    await (await find(`#stomp-command-${id} option[value="send"]`)).click();
    await replaceText(await find(`#destination-${id}`), "/queue/e2e");
    await replaceText(await find(`#body-${id}`), "hello broker");
    await (await find(`#stomp-send-${id}`)).click();
    const [message] = await received(id, "MESSAGE", "/queue/e2e");
    assert.match(await message.getAttribute("textContent"), /hello broker/);
    await setAuth("");
    await screenshot("console-stomp");
  });

  it("publishes MQTT to its own subscription, the payload as typed", async () => {
    const id = await connect(`ws://127.0.0.1:${ports.mqtt}/mqtt`, "mqtt");
    await (await find(`#mqtt-command-${id} option[value="subscribeTopic"]`)).click();
    await replaceText(await find(`#topic-${id}`), "e2e/+");
    await (await find(`#qos-${id} option[value="1"]`)).click();
    await (await find(`#mqtt-send-${id}`)).click();
    await received(id, "SUBACK");
    await (await find(`#mqtt-command-${id} option[value="publish"]`)).click();
    await replaceText(await find(`#topic-${id}`), "e2e/one");
    const payload = '{"z": 1,  "a": [2, 3]}';
    await replaceText(await find(`#payload-${id}`), payload);
    await (await find(`#mqtt-send-${id}`)).click();
    const [message] = await received(id, "PUBLISH", "e2e/one");
    assert.ok((await message.getAttribute("textContent")).includes(payload), "the payload arrives as typed");
    await screenshot("console-mqtt");
  });
});
