"""A Python `websockets` server for WS Doctor's tests, in one of several configurations.

Usage: py_server.py MODE. Listens on a free port of 127.0.0.1 and prints `PORT <n>` once ready; stops
by itself after 120 s, or when stdin closes (the test harness exits).

Modes:
  echo            a plain echo server
  origins         accepts only Origin https://app.example.test (websockets answers 403 otherwise)
  subprotocol     requires the subprotocol chat.v2 (websockets answers 400 without it)
  ignore-protocol echoes, ignoring any offered subprotocol (chooses none)
  max-size        echoes, with max_size=64 (a larger message closes with 1009)
"""

import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main(mode):
    options = {}
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
    elif mode not in ("echo", "ignore-protocol"):
        raise SystemExit(f"unknown mode {mode}")

    async with serve(echo, "127.0.0.1", 0, **options) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        loop = asyncio.get_running_loop()
        stdin_closed = loop.run_in_executor(None, sys.stdin.read)
        await asyncio.wait([asyncio.ensure_future(stdin_closed)], timeout=120)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "echo"))
