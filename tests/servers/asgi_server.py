"""Python ASGI servers for WS Doctor's tests, as people deploy them.

Usage: python asgi_server.py MODE. Listens on a free port of 127.0.0.1 and prints `PORT <n>` once ready;
stops by itself after 120 s, or when stdin closes (the test harness exits).

Which WebSocket support uvicorn has depends on the venv that runs this: target/py has `websockets`
(`uvicorn[standard]` does the same), target/py-bare has none (plain `pip install uvicorn`).

Modes:
  fastapi     FastAPI on uvicorn, an echo at the WebSocket route `/ws` (no trailing slash)
  socketio    python-socketio (ASGI) on uvicorn, the main namespace open
  channels    Django Channels on daphne, a URLRouter with one echo consumer at `ws/chat/`
"""

import asyncio
import os
import socket
import sys
import threading


def stop_with_stdin():
    def watch():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    threading.Timer(120, lambda: os._exit(0)).start()


def fastapi_app():
    from fastapi import FastAPI, WebSocket

    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket):
        await websocket.accept()
        try:
            while True:
                await websocket.send_text(await websocket.receive_text())
        except Exception:
            pass

    return app


def socketio_app():
    import socketio

    sio = socketio.AsyncServer(async_mode="asgi")

    @sio.on("echo")
    async def echo(sid, *args):
        return args

    return socketio.ASGIApp(sio)


def serve_uvicorn(app):
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    async def run():
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        print(f"PORT {sock.getsockname()[1]}", flush=True)
        await task

    asyncio.run(run())


def serve_channels():
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=["channels"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="wsdoctor-test",
        ASGI_APPLICATION=f"{__name__}.application",
    )
    django.setup()
    from channels.generic.websocket import WebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path
    from daphne.server import Server

    class Echo(WebsocketConsumer):
        def receive(self, text_data=None, bytes_data=None):
            self.send(text_data=text_data, bytes_data=bytes_data)

    application = ProtocolTypeRouter(
        {"websocket": URLRouter([path("ws/chat/", Echo.as_asgi())])}
    )
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
        ready_callable=lambda: print(f"PORT {port}", flush=True),
    ).run()


urlpatterns = []


def main(mode):
    stop_with_stdin()
    # The servers' own logs (tracebacks of the refusals the tests provoke) would drown the test output.
    import logging

    logging.disable(logging.CRITICAL)
    if mode == "fastapi":
        serve_uvicorn(fastapi_app())
    elif mode == "socketio":
        serve_uvicorn(socketio_app())
    elif mode == "channels":
        serve_channels()
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fastapi")
