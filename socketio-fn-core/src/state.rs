//! Shared state: values the app hands to functions (a database pool, a config object, a cache), like
//! axum's and socketioxide's `State<T>`.
//!
//! Add values with [`crate::AppBuilder::state`] (any number of types); a function asks for one with a
//! [`State<T>`] argument. Each extractor declares what it needs, so a function asking for a type nobody
//! provided fails `App::build` naming the function and the type, not the first event.

use crate::response::InvocationError;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// The app's state values, by type.
#[derive(Clone, Default)]
pub struct StateMap(Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl std::fmt::Debug for StateMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateMap")
            .field("values", &self.0.len())
            .finish()
    }
}

impl StateMap {
    /// Adds (or replaces) the value of type `T`.
    pub fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        Arc::make_mut(&mut self.0).insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`, if provided.
    pub fn get<T: Clone + Send + Sync + 'static>(&self) -> Option<&T> {
        self.0
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref())
    }

    /// The value of type `T` as the [`State<T>`] argument of a function or negotiation function.
    /// Required types are checked at start-up (`requires`), so a miss means the function was invoked
    /// outside its app: a 500 naming the type.
    pub fn extract<T: Clone + Send + Sync + 'static>(&self) -> Result<State<T>, InvocationError> {
        self.get::<T>().cloned().map(State).ok_or_else(|| {
            InvocationError::function(format!("no state of type `{}`", std::any::type_name::<T>()))
        })
    }

    /// Whether a value of the type with this id was provided.
    pub fn contains(&self, id: TypeId) -> bool {
        self.0.contains_key(&id)
    }
}

/// A shared value of type `T`, provided with [`crate::AppBuilder::state`]. `T` is cloned for each
/// invocation: wrap large or mutable values in an `Arc` (with a `Mutex` or atomics inside).
///
/// ```
/// use socketio_fn::extract::State;
/// use std::sync::{Arc, atomic::AtomicU64};
/// #[derive(Clone, Default)]
/// struct Counter(Arc<AtomicU64>);
/// let app = socketio_fn::App::builder().state(Counter::default()).allow_unauthenticated_webhook();
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T> std::ops::Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// What a function's arguments need from the app, collected at start-up.
#[derive(Debug, Default)]
pub struct Requirements {
    states: Vec<(TypeId, &'static str)>,
    service_handle: bool,
}

impl Requirements {
    /// Declares that a state value of type `T` is needed.
    pub fn state<T: 'static>(&mut self) {
        self.states
            .push((TypeId::of::<T>(), std::any::type_name::<T>()));
    }

    /// Declares that the function takes a service handle of its own hub and namespace (resolved at
    /// start-up on the function's connection).
    pub fn service_handle(&mut self) {
        self.service_handle = true;
    }

    /// Whether a service handle was declared.
    pub fn needs_service_handle(&self) -> bool {
        self.service_handle
    }

    /// The first required state type missing from `states`, by name.
    pub fn missing_state(&self, states: &StateMap) -> Option<&'static str> {
        self.states
            .iter()
            .find(|(id, _)| !states.contains(*id))
            .map(|(_, name)| *name)
    }
}
