//! Fuzz-style tests of every parser an unauthenticated peer can reach: packets, event data, filters,
//! system-event bodies, tokens and the CloudEvents headers. Deterministic pseudo-random inputs (xorshift)
//! from an alphabet of the characters each grammar cares about, plus hand-made pathological ones: no
//! input may panic, and every accepted one must hold the parser's invariants. The work is bounded by the
//! number of inputs, not by time.
#![allow(clippy::unwrap_used, missing_docs)]

use socketio_fn_protocol::AccessKey;
use socketio_fn_protocol::cloud_events::{
    CloudEvent, ConnectBody, DisconnectedBody, MAX_LIST_VALUES,
};
use socketio_fn_protocol::filter::{Filter, MAX_DEPTH, MAX_TERMS};
use socketio_fn_protocol::packet::{EventData, Packet};
use socketio_fn_protocol::token;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, alphabet: &[&str], max_parts: u64) -> String {
        let n = self.next() % max_parts;
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn packets_and_event_data() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet = [
        "4",
        "2",
        "3",
        "5",
        "b",
        "/",
        "ns",
        ",",
        "-",
        "1",
        "99999999999999999999",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "\\",
        "a",
        "é",
        "\u{0}",
        ":",
        "null",
        "true",
        "\"ev\"",
    ];
    for _ in 0..20_000 {
        let text = rng.text(&alphabet, 24);
        if let Ok(p) = Packet::decode(&text) {
            // A decoded packet re-encodes to text that decodes to the same packet.
            let again = p.encode();
            assert_eq!(Packet::decode(&again).unwrap(), p, "{text:?}");
            if let Ok(data) = EventData::parse(p.data) {
                assert!(
                    !data.event_name.is_empty() || p.data.contains("\"\""),
                    "{text:?}"
                );
            }
        }
        let _ = EventData::parse(&text);
    }
    // Deep nesting is refused by the JSON parser, without overflowing the stack.
    let deep = format!("[\"ev\",{}1{}]", "[".repeat(100_000), "]".repeat(100_000));
    assert!(EventData::parse(&deep).is_err());
}

#[test]
fn filters() {
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let alphabet = [
        "'g' in groups",
        "'a''b' in groups",
        "not",
        "and",
        "or",
        "(",
        ")",
        " ",
        "userId eq 'u'",
        "connectionId ne 'c'",
        "'",
        "in",
        "groups",
        "$",
        "eq",
    ];
    for _ in 0..20_000 {
        let text = rng.text(&alphabet, 30);
        if let Ok(f) = Filter::parse(&text) {
            assert!(f.terms() <= MAX_TERMS);
        }
    }
    // Pathological shapes: deep parentheses, long chains, huge text; each bounded and refused or fine.
    let nested = format!(
        "{}'a' in groups{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert!(Filter::parse(&nested).is_err());
    let unbalanced = "(".repeat(50_000);
    assert!(Filter::parse(&unbalanced).is_err());
    let nots = format!("{}'a' in groups", "not ".repeat(16_000));
    assert!(Filter::parse(&nots).is_ok());
    let or_chain = vec!["'g' in groups"; 10_000].join(" or ");
    assert!(Filter::parse(&or_chain).is_err(), "too many terms");
}

#[test]
fn system_event_bodies() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let alphabet = [
        "{",
        "}",
        "[",
        "]",
        "\"claims\"",
        "\"query\"",
        "\"reason\"",
        ":",
        ",",
        "\"x\"",
        "null",
        "1",
        "\"clientCertificates\"",
        "{\"thumbprint\":\"t\"}",
        " ",
    ];
    for _ in 0..20_000 {
        let text = rng.text(&alphabet, 20);
        let _ = ConnectBody::from_json(text.as_bytes());
        let _ = DisconnectedBody::from_json(text.as_bytes());
    }
    let deep = format!(
        "{{\"claims\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(ConnectBody::from_json(deep.as_bytes()).is_err());
}

#[test]
fn tokens() {
    let mut rng = Rng(0xFEED_FACE_0000_0001);
    let key = AccessKey::new("k");
    let alphabet = [
        "eyJhbGciOiJIUzI1NiJ9",
        ".",
        "e30",
        "=",
        "-",
        "_",
        "AAAA",
        "eyJleHAiOjF9",
    ];
    for _ in 0..20_000 {
        let text = rng.text(&alphabet, 12);
        assert!(token::verify(&text, &key, "aud", 5).is_err(), "{text:?}");
    }
}

#[test]
fn cloud_event_headers() {
    let mut rng = Rng(0x5555_AAAA_3333_CCCC);
    let values = ["", " ", "a", "a,b", "sha256=00", ",,,,", "é", "x y z"];
    let names = [
        "ce-connectionId",
        "ce-hub",
        "ce-type",
        "ce-eventName",
        "ce-namespace",
        "ce-socketId",
        "ce-signature",
        "WebHook-Request-Origin",
        "ce-userId",
    ];
    for _ in 0..5_000 {
        let mut headers = http::HeaderMap::new();
        for _ in 0..rng.next() % 24 {
            let name = names[(rng.next() % names.len() as u64) as usize];
            let value = values[(rng.next() % values.len() as u64) as usize];
            headers.append(name, value.parse().unwrap());
        }
        if let Ok(event) = CloudEvent::parse(&headers) {
            for list in [event.origin.as_deref(), event.signature.as_deref()]
                .into_iter()
                .flatten()
            {
                let count = socketio_fn_protocol::cloud_events::split_list(list).count();
                assert!(count <= MAX_LIST_VALUES, "{list:?}");
            }
        }
    }
}
