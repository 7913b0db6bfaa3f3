//! `#[socketio_output(hub = "...", connection = "...")]`: a helper on an argument of a
//! `#[socketio_trigger]` function, parsed with the function (parse), checked against the other
//! arguments (validate) and turned into a binding and a flush (expand).

pub(crate) mod expand;
pub(crate) mod parse;
pub(crate) mod validate;
