//! GraphQL over WebSocket, graphql-transport-ws and the legacy `graphql-ws` protocol: the client machine
//! (`client.rs`: `connection_init`, operations by id, pings) and what the protocol's close codes mean
//! (`close.rs`), for whoever sees the socket close.

mod client;
pub(crate) mod close;

pub(crate) use client::GraphqlClient;
