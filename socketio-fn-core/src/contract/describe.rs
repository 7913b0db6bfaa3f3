//! Describing Rust types as JSON Schema (draft-07) while the app runs, for its contract: with the
//! feature `contract`, every type that implements `schemars::JsonSchema` (the user's payload types
//! derive it) is described by schemars, honouring serde's attributes; any other type is `unknown`,
//! named in [`Describer::unknown`], never a failed build. The choice is made at compile time in the
//! generated code, by autoref specialization on [`Probe`].

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

/// Which way values travel: what the app sends is described as serde serialises it (fields skipped
/// when empty are optional), what it receives as serde deserialises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The app serialises it (server events, acks of functions).
    Sent,
    /// The app deserialises it (event parameters, clients' answers).
    Received,
}

/// Collects the schemas of the types described, and the types it could not describe.
pub struct Describer {
    #[cfg(feature = "contract")]
    generator: schemars::SchemaGenerator,
    unknown: BTreeSet<&'static str>,
}

impl Describer {
    /// A describer of values that travel `direction`.
    pub fn new(direction: Direction) -> Self {
        #[cfg(feature = "contract")]
        let generator = {
            let mut settings = schemars::generate::SchemaSettings::draft07();
            settings.contract = match direction {
                Direction::Sent => schemars::generate::Contract::Serialize,
                Direction::Received => schemars::generate::Contract::Deserialize,
            };
            settings.meta_schema = None;
            settings.into_generator()
        };
        #[cfg(not(feature = "contract"))]
        let _ = direction;
        Self {
            #[cfg(feature = "contract")]
            generator,
            unknown: BTreeSet::new(),
        }
    }
}

impl std::fmt::Debug for Describer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Describer")
            .field("unknown", &self.unknown)
            .finish_non_exhaustive()
    }
}

impl Describer {
    /// The types that could not be described (they read `unknown`), by Rust name.
    pub fn unknown(&self) -> &BTreeSet<&'static str> {
        &self.unknown
    }

    /// The named types the schemas refer to (`#/definitions/<name>`), as JSON Schema.
    #[cfg_attr(not(feature = "contract"), allow(unused_mut))]
    pub fn into_definitions(mut self) -> BTreeMap<String, Value> {
        #[cfg(feature = "contract")]
        {
            self.generator.take_definitions(true).into_iter().collect()
        }
        #[cfg(not(feature = "contract"))]
        {
            BTreeMap::new()
        }
    }

    fn not_described(&mut self, type_name: &'static str) -> Option<Value> {
        self.unknown.insert(type_name);
        None
    }
}

/// A type to describe, chosen by what it implements (generated code: `(&&Probe::<T>::new()).describe(d)`).
pub struct Probe<T: ?Sized>(PhantomData<fn() -> T>);

impl<T: ?Sized> Probe<T> {
    /// The probe of `T`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: ?Sized> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Types schemars describes (feature `contract`).
pub trait ViaSchema {
    /// The type's schema; `None` when it cannot be described.
    fn describe(&self, describer: &mut Describer) -> Option<Value>;
}

#[cfg(feature = "contract")]
impl<T: schemars::JsonSchema + ?Sized> ViaSchema for &Probe<T> {
    fn describe(&self, describer: &mut Describer) -> Option<Value> {
        let mut schema = describer.generator.subschema_for::<T>();
        // The draft-07 forms (`items: [...]` for tuples, ...): schemars applies them to root
        // schemas and definitions, not to subschemas.
        for transform in describer.generator.transforms_mut() {
            transform.transform(&mut schema);
        }
        Some(schema.to_value())
    }
}

/// Every other type: `unknown`.
pub trait NoSchema {
    /// `None`, and the type is named among the unknown ones.
    fn describe(&self, describer: &mut Describer) -> Option<Value>;
}

impl<T: ?Sized> NoSchema for Probe<T> {
    fn describe(&self, describer: &mut Describer) -> Option<Value> {
        describer.not_described(std::any::type_name::<T>())
    }
}

/// A generated function describing one type.
pub type DescribeFn = fn(&mut Describer) -> Option<Value>;
