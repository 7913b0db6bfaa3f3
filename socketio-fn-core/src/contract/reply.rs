//! What a function's ack carries, read from its return type at compile time: `()` acks nothing, `Ack<T>`
//! acks `T` (a tuple or list spread into several arguments, as `SocketIoMessageResponse::ack` does),
//! `Result<R, E>` as `R`; any other return type (`SocketIoMessageResponse`, a type of your own) acks
//! values the contract cannot know.

use super::describe::{Describer, Probe};
use crate::response::{Ack, SocketIoMessageResponse};
use serde_json::Value;
use std::marker::PhantomData;

/// What a function answers an event with, for its contract.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyShape {
    /// No ack.
    Nothing,
    /// An ack of this value's schema (spread when it is a list), `None` when it cannot be described.
    Value(Option<Value>),
    /// An ack whose arguments the contract cannot know.
    Unknown,
}

/// Return types whose ack the contract can read.
pub trait AckPayload {
    /// What is acked.
    type Payload: ?Sized;
    /// Whether anything is acked, and how well it is known.
    const KIND: PayloadKind;
}

/// How well a return type's ack is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// Nothing is acked.
    Nothing,
    /// [`AckPayload::Payload`] is acked.
    Value,
    /// Something is acked, but not a known type.
    Unknown,
}

impl AckPayload for () {
    type Payload = ();
    const KIND: PayloadKind = PayloadKind::Nothing;
}

impl<T> AckPayload for Ack<T> {
    type Payload = T;
    const KIND: PayloadKind = PayloadKind::Value;
}

impl AckPayload for SocketIoMessageResponse {
    type Payload = ();
    const KIND: PayloadKind = PayloadKind::Unknown;
}

impl<R: AckPayload, E> AckPayload for Result<R, E> {
    type Payload = R::Payload;
    const KIND: PayloadKind = R::KIND;
}

/// A return type to read (generated code: `(&&ReplyProbe::<R>::new())`).
pub struct ReplyProbe<R: ?Sized>(PhantomData<fn() -> R>);

impl<R: ?Sized> ReplyProbe<R> {
    /// The probe of return type `R`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<R: ?Sized> Default for ReplyProbe<R> {
    fn default() -> Self {
        Self::new()
    }
}

/// Return types implementing [`AckPayload`].
pub trait KnownReply {
    /// The payload's probe, to describe it.
    type Payload: ?Sized;
    /// How well the ack is known.
    fn kind(&self) -> PayloadKind;
    /// The probe of what is acked.
    fn payload(&self) -> Probe<Self::Payload>;
}

impl<R: AckPayload + ?Sized> KnownReply for &ReplyProbe<R> {
    type Payload = R::Payload;
    fn kind(&self) -> PayloadKind {
        R::KIND
    }
    fn payload(&self) -> Probe<R::Payload> {
        Probe::new()
    }
}

/// Every other return type.
pub trait UnknownReply {
    /// Always [`PayloadKind::Unknown`].
    fn kind(&self) -> PayloadKind;
    /// A probe of nothing in particular.
    fn payload(&self) -> Probe<()>;
}

impl<R: ?Sized> UnknownReply for ReplyProbe<R> {
    fn kind(&self) -> PayloadKind {
        PayloadKind::Unknown
    }
    fn payload(&self) -> Probe<()> {
        Probe::new()
    }
}

/// The reply's shape from its kind and, when a value is acked, the value's description.
pub fn reply_shape(
    kind: PayloadKind,
    describer: &mut Describer,
    describe: impl FnOnce(&mut Describer) -> Option<Value>,
) -> ReplyShape {
    match kind {
        PayloadKind::Nothing => ReplyShape::Nothing,
        PayloadKind::Unknown => ReplyShape::Unknown,
        PayloadKind::Value => ReplyShape::Value(describe(describer)),
    }
}

/// A generated function describing a function's reply.
pub type ReplyFn = fn(&mut Describer) -> ReplyShape;
