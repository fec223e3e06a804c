"""A Python `websockets` server for WS Doctor's tests, in one of several configurations.

Usage: py_server.py MODE. Listens on a free port of 127.0.0.1 and prints `PORT <n>` once ready; stops
by itself after 120 s, or when stdin closes (the test harness exits).

Modes:
  echo            a plain echo server
  origins         accepts only Origin https://app.example.test (websockets answers 403 otherwise)
  subprotocol     requires the subprotocol chat.v2 (websockets answers 400 without it)
  ignore-protocol echoes, ignoring any offered subprotocol (chooses none)
  max-size        echoes, with max_size=64 (a larger message closes with 1009)
  no-compression  echoes, with permessage-deflate turned off (compression=None; `echo` has it on, as
                  websockets does by default)
  requires-compression  echoes, refusing (400) a client that does not offer permessage-deflate

Stand-ins for frameworks whose servers cannot be installed here (Phoenix needs Hex, ActionCable a Rails
app, SignalR .NET): each speaks only the documented first exchange WS Doctor relies on, nothing more.
  phoenix         answers the `phoenix` topic's heartbeat (serializer v2 arrays) with phx_reply ok
  phoenix-refuse  answers it with status error
  actioncable     sends {"type":"welcome"} on connect, then a ping every 3 s, as ActionCable does
  actioncable-reject  sends {"type":"disconnect","reason":"unauthorized","reconnect":false} and closes
  signalr         answers the JSON protocol handshake with {} and the 0x1E separator
  signalr-refuse  answers it with an error (the protocol is not available)

A gateway that does not pass MQTT on:
  mqtt-silent     agrees on the `mqtt` subprotocol and reads what comes, answering nothing (a gateway in
                  front of a broker it cannot reach, or a stuck broker)

A gateway to a real broker:
  stomp-gateway:PORT  STOMP over WebSocket in front of the STOMP broker on TCP port PORT, as a gateway
                  written with websockets does it: it takes only clients that offer a v1x.stomp
                  subprotocol (websockets answers 400 "missing subprotocol" otherwise), and carries each
                  STOMP frame as one WebSocket message
"""

import asyncio
import json
import sys

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def phoenix(websocket, status):
    async for message in websocket:
        join_ref, ref, topic, event, _payload = json.loads(message)
        if topic == "phoenix" and event == "heartbeat":
            reply = [join_ref, ref, "phoenix", "phx_reply", {"response": {}, "status": status}]
            await websocket.send(json.dumps(reply))


async def actioncable(websocket, reject):
    if reject:
        await websocket.send(json.dumps({"type": "disconnect", "reason": "unauthorized", "reconnect": False}))
        await websocket.close()
        return
    await websocket.send(json.dumps({"type": "welcome"}))
    while True:
        await asyncio.sleep(3)
        await websocket.send(json.dumps({"type": "ping", "message": int(asyncio.get_running_loop().time())}))


async def signalr(websocket, refuse):
    async for message in websocket:
        handshake = json.loads(message.rstrip("\x1e"))
        if refuse or handshake.get("protocol") != "json":
            await websocket.send(json.dumps({"error": "Requested protocol 'json' is not available."}) + "\x1e")
            await websocket.close()
            return
        await websocket.send("{}\x1e")


async def stomp_gateway(websocket, broker_port):
    reader, writer = await asyncio.open_connection("127.0.0.1", broker_port)

    async def to_broker():
        async for message in websocket:
            writer.write(message.encode() if isinstance(message, str) else message)
            await writer.drain()
        writer.close()

    async def to_client():
        pending = b""
        while chunk := await reader.read(65536):
            pending += chunk
            # One message per frame: a frame ends with NUL; heart-beats are lone newlines between frames.
            while b"\0" in pending:
                frame, pending = pending.split(b"\0", 1)
                await websocket.send((frame + b"\0").decode())
        await websocket.close()

    await asyncio.gather(to_broker(), to_client(), return_exceptions=True)


async def silent(websocket):
    async for _ in websocket:
        pass


HANDLERS = {
    "mqtt-silent": silent,
    "phoenix": lambda ws: phoenix(ws, "ok"),
    "phoenix-refuse": lambda ws: phoenix(ws, "error"),
    "actioncable": lambda ws: actioncable(ws, False),
    "actioncable-reject": lambda ws: actioncable(ws, True),
    "signalr": lambda ws: signalr(ws, False),
    "signalr-refuse": lambda ws: signalr(ws, True),
}


async def main(mode):
    options = {}
    if mode.startswith("stomp-gateway:"):
        broker_port = int(mode.split(":", 1)[1])
        HANDLERS[mode] = lambda ws: stomp_gateway(ws, broker_port)
        options["subprotocols"] = ["v12.stomp", "v11.stomp", "v10.stomp"]
    if mode == "mqtt-silent":
        options["subprotocols"] = ["mqtt"]
    if mode == "origins":
        options["origins"] = ["https://app.example.test"]
    elif mode == "subprotocol":
        options["subprotocols"] = ["chat.v2"]
        options["process_request"] = lambda connection, request: (
            connection.respond(400, "subprotocol required: offer chat.v2\n")
            if "chat.v2" not in request.headers.get("Sec-WebSocket-Protocol", "")
            else None
        )
    elif mode == "max-size":
        options["max_size"] = 64
    elif mode == "no-compression":
        options["compression"] = None
    elif mode == "requires-compression":
        options["process_request"] = lambda connection, request: (
            connection.respond(400, "compression required: offer permessage-deflate\n")
            if "permessage-deflate" not in request.headers.get("Sec-WebSocket-Extensions", "")
            else None
        )
    elif mode not in ("echo", "ignore-protocol") and mode not in HANDLERS:
        raise SystemExit(f"unknown mode {mode}")

    async with serve(HANDLERS.get(mode, echo), "127.0.0.1", 0, **options) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        loop = asyncio.get_running_loop()
        stdin_closed = loop.run_in_executor(None, sys.stdin.read)
        await asyncio.wait([asyncio.ensure_future(stdin_closed)], timeout=120)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "echo"))
