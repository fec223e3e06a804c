//! The copyable fixes the catalog's entries carry: config blocks and code, each with its language.

use super::Snippet;

pub(super) const NGINX_UPGRADE_BLOCK: Snippet = Snippet {
    language: "nginx",
    text: r#"map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

server {
    location /socket {
        proxy_pass http://backend;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_read_timeout 3600s;
    }
}"#,
};

pub(super) const SOCKETIO_ALLOW_EIO3: Snippet = Snippet {
    language: "js",
    text: r#"const io = new Server(httpServer, {
  allowEIO3: true, // accept Socket.IO 2 clients until they are upgraded
});"#,
};

pub(super) const NGINX_STICKY_UPSTREAM: Snippet = Snippet {
    language: "nginx",
    text: r#"upstream socketio_nodes {
    ip_hash;                  # one client, one node: Socket.IO sessions need it
    server 10.0.0.11:3000;
    server 10.0.0.12:3000;
}

location /socket.io/ {
    proxy_pass http://socketio_nodes;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
}"#,
};

pub(super) const SOCKETIO_CORS: Snippet = Snippet {
    language: "js",
    text: r#"const io = new Server(httpServer, {
  cors: {
    origin: ["https://app.example.com"], // the page's origin, exactly
    credentials: true,
  },
});"#,
};

pub(super) const ELECTRON_BRIDGE: Snippet = Snippet {
    language: "js",
    text: r#"// preload.js
const { contextBridge, ipcRenderer } = require('electron');

const ALLOWED = ['socket:send', 'socket:status'];

contextBridge.exposeInMainWorld('bridge', {
  send: (channel, data) => {
    if (ALLOWED.includes(channel)) ipcRenderer.send(channel, data);
  },
  onStatus: (callback) => ipcRenderer.on('socket:status', (_event, status) => callback(status)),
});"#,
};

pub(super) const EXPRESS_SHARED_SERVER: Snippet = Snippet {
    language: "js",
    text: r#"const app = express();
// app.listen() returns the HTTP server: give that one to ws, not a port of its own.
const server = app.listen(3000);
const wss = new WebSocketServer({ server, path: "/ws" });
// Not: new WebSocketServer({ port: 8080 }) beside app.listen(3000)
// Not: http.createServer(app) given to ws, then app.listen(): listen on that server instead."#,
};

pub(super) const UVICORN_STANDARD: Snippet = Snippet {
    language: "sh",
    text: r#"pip install 'uvicorn[standard]'   # or: pip install websockets
# then restart: uvicorn app:app"#,
};
