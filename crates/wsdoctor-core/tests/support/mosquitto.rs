//! Debian's mosquitto as a test MQTT broker over WebSocket, in the foreground with a config and a
//! password file of the test's own, killed when the test ends. It exits when its only listener is a
//! WebSocket one, so a plain MQTT listener on 127.0.0.1 stands beside; its WebSocket listeners
//! (libwebsockets) bind every address whatever they are given, so each has a port of its own.

use std::process::Command;
use std::time::Duration;

use super::{InFolder, free_port, free_ports, start_retrying};

const MOSQUITTO: &str = "/usr/sbin/mosquitto";
/// The user and password the `auth_port` listener takes.
pub const USER: &str = "tester";
pub const PASSWORD: &str = "mq-pass-5521";

pub struct Mosquitto {
    pub process: InFolder,
    /// MQTT over WebSocket, anonymous clients allowed.
    pub open_port: u16,
    /// MQTT over WebSocket, [`USER`] and [`PASSWORD`] required.
    pub auth_port: u16,
}

pub fn start_mosquitto() -> Mosquitto {
    assert!(
        std::path::Path::new(MOSQUITTO).exists(),
        "mosquitto is not installed: run `make deps` (Debian package mosquitto)"
    );
    start_retrying("mosquitto", attempt)
}

fn attempt() -> Result<Mosquitto, String> {
    let dir = std::env::temp_dir().join(format!(
        "wsdoctor-mosquitto-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let passwd = dir.join("passwd");
    std::fs::write(&passwd, "").unwrap();
    let status = Command::new("mosquitto_passwd")
        .args(["-b"])
        .arg(&passwd)
        .args([USER, PASSWORD])
        .status()
        .expect("mosquitto_passwd runs");
    assert!(status.success(), "mosquitto_passwd failed");
    let [plain_port, open_port, auth_port] = free_ports();
    let d = dir.display();
    // As root, mosquitto would drop to its own user, which cannot read the test's folder.
    let user = if is_root() { "user root\n" } else { "" };
    let conf = format!(
        "{user}per_listener_settings true\nlog_dest file {d}/mosquitto.log\npersistence false\n\
         listener {plain_port} 127.0.0.1\nprotocol mqtt\nallow_anonymous true\n\
         listener {open_port}\nprotocol websockets\nallow_anonymous true\n\
         listener {auth_port}\nprotocol websockets\nallow_anonymous false\npassword_file {}\n",
        passwd.display()
    );
    let conf_file = dir.join("mosquitto.conf");
    std::fs::write(&conf_file, conf).unwrap();
    let mut command = Command::new(MOSQUITTO);
    command.arg("-c").arg(&conf_file);
    let ports = [plain_port, open_port, auth_port];
    let process = InFolder::start(
        command,
        dir,
        &ports,
        Duration::from_secs(10),
        "mosquitto.log",
    )?;
    Ok(Mosquitto {
        process,
        open_port,
        auth_port,
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
