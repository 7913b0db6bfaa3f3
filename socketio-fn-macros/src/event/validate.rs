//! The rules of `#[socketio_event]`, one function each; every problem is pushed.

use super::NAME;
use super::parse::EventArgs;
use crate::common::diag::Diag;
use syn::{Fields, ItemStruct, LitStr, Type};

/// Event names a Socket.IO client keeps for itself: a server event by one of these names would never
/// reach a listener (Node's socket.io refuses to emit them).
const RESERVED: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// What expansion needs.
pub(crate) struct Valid {
    /// The event's name.
    pub(crate) name: LitStr,
    /// The argument types, in order.
    pub(crate) arguments: Vec<Type>,
}

/// Checks every rule; `None` when there is an error.
pub(crate) fn validate(args: &EventArgs, item: &ItemStruct, diag: &mut Diag) -> Option<Valid> {
    let name = name_is_given(args, item, diag);
    if let Some(name) = name {
        name_is_not_empty(name, diag);
        name_is_not_reserved(name, diag);
    }
    let arguments = fields_are_arguments(item, diag);
    is_not_generic(item, diag);
    if !diag.is_empty() {
        return None;
    }
    Some(Valid {
        name: name?.clone(),
        arguments: arguments?,
    })
}

fn name_is_given<'a>(
    args: &'a EventArgs,
    item: &ItemStruct,
    diag: &mut Diag,
) -> Option<&'a LitStr> {
    if args.name.is_none() {
        diag.error(
            &item.ident,
            format!("`#[{NAME}]` needs `name = \"...\"`: the event's name on the wire"),
        );
    }
    args.name.as_ref()
}

fn name_is_not_empty(name: &LitStr, diag: &mut Diag) {
    if name.value().trim().is_empty() {
        diag.error(name, "`name` must not be empty");
    }
}

fn name_is_not_reserved(name: &LitStr, diag: &mut Diag) {
    let value = name.value();
    if RESERVED.contains(&value.as_str()) {
        diag.error(
            name,
            format!(
                "`{value}` is reserved by Socket.IO clients, which never hand it to a listener; \
                 choose another name"
            ),
        );
    }
}

/// A tuple struct's fields are the arguments in order; a unit struct has none.
fn fields_are_arguments(item: &ItemStruct, diag: &mut Diag) -> Option<Vec<Type>> {
    match &item.fields {
        Fields::Unnamed(fields) => Some(fields.unnamed.iter().map(|f| f.ty.clone()).collect()),
        Fields::Unit => Some(Vec::new()),
        Fields::Named(fields) => {
            diag.error(
                fields,
                format!(
                    "`#[{NAME}]` goes on a tuple struct, whose fields are the event's arguments in \
                     order (`struct {}(String, u32);`), or a unit struct for none; to send one \
                     object, make it the only field",
                    item.ident
                ),
            );
            None
        }
    }
}

fn is_not_generic(item: &ItemStruct, diag: &mut Diag) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        diag.error(
            &item.generics,
            format!("`#[{NAME}]` events cannot be generic: an event has one shape on the wire"),
        );
    }
}
