//! MQTT over WebSocket (3.1.1 and 5), as brokers serve it to browsers (mosquitto's `protocol websockets`,
//! EMQX, HiveMQ, AWS IoT): `packet.rs` writes and reads the control packets, `client.rs` is the client
//! machine the check and the console drive.

pub(crate) mod client;
pub(crate) mod packet;

pub(crate) use client::MqttClient;
