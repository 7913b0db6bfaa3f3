//! `server_stats`, to every admin socket of a hub every two seconds (and to a UI as it connects): the
//! hub's connections, its polling ones, its namespaces with their socket counts, and the events
//! counted since the last report (`aggregatedEvents`, per second: sockets connected and disconnected,
//! Socket.IO events in and out with their bytes; counted per socket and event, where Node's
//! instrumentation counts Engine.IO connections and packets).

use super::ADMIN_NAMESPACE;
use super::report::{AdminOf, tell};
use crate::sockets::Shared;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the UI gets `server_stats`, as from Node's instrumentation.
const INTERVAL: Duration = Duration::from_secs(2);

/// Reports every [`INTERVAL`] until the emulator is gone.
pub(crate) async fn run(shared: Weak<Shared>) {
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        for hub in watched_hubs(&shared) {
            tell(&shared, &hub, "server_stats", &of_hub(&shared, &hub));
        }
    }
}

/// The hubs an Admin UI watches.
fn watched_hubs(shared: &Shared) -> HashSet<String> {
    shared
        .io()
        .and_then(|io| io.of(ADMIN_NAMESPACE))
        .map(|ns| {
            ns.sockets()
                .iter()
                .filter_map(|s| s.extensions.get::<AdminOf>().map(|a| a.0))
                .collect()
        })
        .unwrap_or_default()
}

/// `hub`'s statistics, as the UI reads them (one "server" per hub).
pub(super) fn of_hub(shared: &Arc<Shared>, hub: &str) -> Value {
    let (mut clients, mut polling) = (0usize, 0usize);
    let mut namespaces: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(hub) = shared.hubs.get(hub) {
        let sockets: Vec<(String, String)> = {
            let connections = hub.lock();
            clients = connections.len();
            connections
                .values()
                .flat_map(|c| c.sockets.iter().map(|(ns, sid)| (ns.clone(), sid.clone())))
                .collect()
        };
        for (ns, sid) in sockets {
            *namespaces.entry(ns.clone()).or_default() += 1;
            let is_polling = shared
                .socket(&sid, &ns)
                .is_some_and(|s| s.transport_type() == socketioxide::TransportType::Polling);
            polling += usize::from(is_polling);
        }
    }
    let admin = shared.admin.as_ref();
    json!({
        "serverId": format!("emulator/{hub}"),
        "hostname": shared.endpoint,
        "pid": std::process::id(),
        "uptime": admin.map_or(0.0, |a| a.started.elapsed().as_secs_f64()),
        "clientsCount": clients,
        "pollingClientsCount": polling,
        "aggregatedEvents": admin.map(|a| a.take_counts(hub)).unwrap_or_default(),
        "namespaces": namespaces
            .into_iter()
            .map(|(name, count)| json!({ "name": name, "socketsCount": count }))
            .collect::<Vec<_>>(),
    })
}
