//! Wire facts of Web PubSub for Socket.IO in serverless mode.
//!
//! This module is the single source of truth for header names, event types, packet framing, group names,
//! filters and signatures. The runtime and the emulator both use it, so a protocol rule exists exactly once.

pub mod cloud_events;
pub mod dotnet_json;
pub mod groups;
pub mod packet;
pub mod paths;
pub mod signature;
pub mod token;
