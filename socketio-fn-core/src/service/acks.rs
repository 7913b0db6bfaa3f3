//! Emits whose acks come back: a send through the service's `:invoke` (undocumented; shaped after
//! Microsoft's Socket.IO adapter, `docs/protocol-notes.md`), answered by a stream of JSON lines whose
//! `Payload` holds each socket's ACK packet. The answers are collected ([`ServiceHandle::emit_with_ack`])
//! or streamed as they arrive ([`ServiceHandle::emit_with_ack_stream`]), raw or typed by the event's
//! declared answer, and bounded by the caller's timeout and [`MAX_ACKS`].

use super::error::{SendError, ServiceError};
use super::handle::ServiceHandle;
use crate::actions::{AskingEvent, Emit, SocketIoAction};
use futures_util::Stream;
use serde_json::Value;
use socketio_fn_protocol::packet::{Packet, PacketType};
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// The most acks one emit collects; later ones are not read.
pub const MAX_ACKS: usize = 100_000;
/// The longest line of an `:invoke` reply read (one ack).
const MAX_ACK_LINE_BYTES: usize = 1024 * 1024;

/// What `emit_with_ack` sends, and what each answer becomes: a [`SocketIoAction`] (an answer is its
/// ack's arguments as JSON values) or an [`Emit`] of an [`AskingEvent`] (an answer is the event's
/// declared type, or why it is not).
pub trait AckRequest {
    /// One socket's answer.
    type Answer: Send + 'static;

    /// The send action.
    fn into_action(self) -> SocketIoAction;

    /// One socket's answer from its ack's arguments.
    fn answer(arguments: Vec<Value>) -> Self::Answer;
}

impl AckRequest for SocketIoAction {
    type Answer = Vec<Value>;

    fn into_action(self) -> SocketIoAction {
        self
    }

    fn answer(arguments: Vec<Value>) -> Vec<Value> {
        arguments
    }
}

impl<E: AskingEvent> AckRequest for Emit<E>
where
    E::Answer: Send + 'static,
{
    type Answer = Result<E::Answer, AnswerError>;

    fn into_action(self) -> SocketIoAction {
        Emit::into_action(self)
    }

    fn answer(arguments: Vec<Value>) -> Self::Answer {
        E::answer(arguments.clone()).map_err(|e| AnswerError {
            event: E::NAME,
            arguments,
            reason: e.to_string(),
        })
    }
}

/// One client answered an event with something else than the event declares: that answer only, never
/// the whole emit, fails.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("an answer to `{event}` is not what the event declares: {reason}")]
pub struct AnswerError {
    /// The event's name.
    pub event: &'static str,
    /// The ack's arguments as they came.
    pub arguments: Vec<Value>,
    /// Why they do not deserialise.
    pub reason: String,
}

impl ServiceHandle {
    /// Emits a send (in this handle's namespace unless it names one) and collects the answers of the
    /// sockets that ack within `timeout`, in arrival order; sockets that do not ack are absent. A
    /// [`SocketIoAction`] gives each ack's arguments as JSON values; a typed send of an
    /// [`AskingEvent`] gives each socket's answer as the event declares it, or an [`AnswerError`] for
    /// that socket alone. Any other action is an [`InvalidAction`](crate::actions::InvalidAction).
    /// Sent once through the service's `:invoke`, never retried.
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), Box<dyn std::error::Error>> {
    /// use socketio_fn::prelude::*;
    /// use std::time::Duration;
    ///
    /// /// Asks a room whether everyone is ready; each socket answers `true` or `false`.
    /// #[socketio_event(name = "ready?", answer = "bool")]
    /// struct Ready;
    ///
    /// let answers = hub.emit_with_ack(Ready.to_rooms(["lobby"]), Duration::from_secs(2)).await?;
    /// let ready = answers.iter().filter(|a| matches!(a, Ok(true))).count();
    /// println!("{ready} of {} sockets that answered are ready", answers.len());
    /// # Ok(()) }
    /// ```
    pub async fn emit_with_ack<R: AckRequest>(
        &self,
        request: R,
        timeout: Duration,
    ) -> Result<Vec<R::Answer>, SendError> {
        let mut reader = self.invoke(request.into_action(), timeout).await?;
        let mut answers = Vec::new();
        while let Some(arguments) = reader.next().await {
            answers.push(R::answer(arguments?));
        }
        Ok(answers)
    }

    /// Like [`emit_with_ack`](Self::emit_with_ack), with each answer as it arrives: the stream ends
    /// when every selected socket answered or left (the service ends its reply), or at the deadline.
    /// A caller can act on the first answer at once. An item is an error only when the reply breaks
    /// off or cannot be read; the stream ends after it.
    ///
    /// ```no_run
    /// # async fn demo(hub: socketio_fn::ServiceHandle) -> Result<(), Box<dyn std::error::Error>> {
    /// use socketio_fn::prelude::*;
    /// use std::time::Duration;
    ///
    /// /// Asks who wants the next turn; the first socket to answer gets it.
    /// #[socketio_event(name = "next turn?", answer = "String")]
    /// struct NextTurn;
    ///
    /// let mut answers = hub.emit_with_ack_stream(NextTurn.to_namespace(), Duration::from_secs(5)).await?;
    /// while let Some(answer) = answers.next().await {
    ///     if let Ok(name) = answer? {
    ///         println!("{name} goes first");
    ///         break;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn emit_with_ack_stream<R: AckRequest>(
        &self,
        request: R,
        timeout: Duration,
    ) -> Result<AckStream<R::Answer>, SendError> {
        let reader = self.invoke(request.into_action(), timeout).await?;
        let answers = futures_util::stream::unfold(reader, |mut reader| async move {
            let item = reader.next().await?;
            Some((item.map(R::answer), reader))
        });
        Ok(AckStream(Box::pin(answers)))
    }

    /// Sends the action through `:invoke`; the reply is read by the returned reader.
    async fn invoke(
        &self,
        action: SocketIoAction,
        timeout: Duration,
    ) -> Result<AckReader, SendError> {
        let action = action.or_namespace(self.namespace());
        action.validate()?;
        let bound = self.resolved().await?;
        let request = action.invoke_request(&bound.target.hub)?;
        let deadline = Instant::now() + timeout;
        let response = bound.client.stream("invoke", request, timeout).await?;
        Ok(AckReader::new(response, deadline))
    }
}

/// The answers of an emit, as they arrive ([`ServiceHandle::emit_with_ack_stream`]). Read it with
/// [`AckStream::next`], or as a [`futures_util::Stream`].
pub struct AckStream<A>(Pin<Box<dyn Stream<Item = Result<A, ServiceError>> + Send>>);

impl<A> std::fmt::Debug for AckStream<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AckStream").finish_non_exhaustive()
    }
}

impl<A> AckStream<A> {
    /// The next answer; `None` once every socket answered or left, or at the deadline.
    pub async fn next(&mut self) -> Option<Result<A, ServiceError>> {
        std::future::poll_fn(|cx| self.0.as_mut().poll_next(cx)).await
    }
}

impl<A> Stream for AckStream<A> {
    type Item = Result<A, ServiceError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

/// Reads an `:invoke` reply ack by ack, until it ends, the deadline passes or [`MAX_ACKS`] were read.
struct AckReader {
    response: reqwest::Response,
    deadline: Instant,
    /// The line being read (an ack line is at most [`MAX_ACK_LINE_BYTES`]; the rest is dropped).
    line: Vec<u8>,
    /// Acks read but not handed out yet.
    ready: VecDeque<Vec<Value>>,
    /// Acks handed out.
    count: usize,
    ended: bool,
}

impl AckReader {
    fn new(response: reqwest::Response, deadline: Instant) -> Self {
        Self {
            response,
            deadline,
            line: Vec::new(),
            ready: VecDeque::new(),
            count: 0,
            ended: false,
        }
    }

    /// The next ack's arguments; `None` at the end.
    async fn next(&mut self) -> Option<Result<Vec<Value>, ServiceError>> {
        loop {
            if self.count >= MAX_ACKS {
                return None;
            }
            if let Some(ack) = self.ready.pop_front() {
                self.count += 1;
                return Some(Ok(ack));
            }
            if self.ended {
                return None;
            }
            if let Err(e) = self.read().await {
                self.ended = true;
                return Some(Err(e));
            }
        }
    }

    /// Reads the next chunk of the reply into `ready`; at its end or the deadline marks it ended (a
    /// line cut off by the deadline is dropped, a last line without a newline is read).
    async fn read(&mut self) -> Result<(), ServiceError> {
        let chunk = match tokio::time::timeout_at(self.deadline, self.response.chunk()).await {
            Err(_) => {
                self.ended = true;
                return Ok(());
            }
            Ok(Err(e)) if e.is_timeout() => {
                self.ended = true;
                return Ok(());
            }
            Ok(Err(e)) => {
                return Err(ServiceError::InvalidReply {
                    operation: "invoke",
                    source: Box::new(e),
                });
            }
            Ok(Ok(chunk)) => chunk,
        };
        let Some(chunk) = chunk else {
            self.ended = true;
            let last = std::mem::take(&mut self.line);
            self.ready.extend(line_acks(&last)?);
            return Ok(());
        };
        for &byte in chunk.iter() {
            if byte == b'\n' {
                let line = std::mem::take(&mut self.line);
                self.ready.extend(line_acks(&line)?);
            } else if self.line.len() < MAX_ACK_LINE_BYTES {
                self.line.push(byte);
            }
        }
        Ok(())
    }
}

/// The acks in one line (`{"Payload":"43/ns,1[\"ok\"]"}`); an empty line has none.
fn line_acks(line: &[u8]) -> Result<Vec<Vec<Value>>, ServiceError> {
    let text = String::from_utf8_lossy(line);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let invalid = |reason: String| ServiceError::InvalidReply {
        operation: "invoke",
        source: reason.into(),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("an ack line is not JSON: {e}")))?;
    let payload = value
        .get("Payload")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("an ack line has no `Payload` string".into()))?;
    let mut acks = Vec::new();
    for packet in payload.split('\u{1e}').filter(|p| !p.is_empty()) {
        let packet = Packet::decode(packet)
            .map_err(|e| invalid(format!("an ack packet is invalid: {e}")))?;
        if packet.kind == PacketType::Ack {
            let args = serde_json::from_str::<Vec<Value>>(packet.data)
                .map_err(|e| invalid(format!("an ack's arguments are not a JSON array: {e}")))?;
            acks.push(args);
        }
    }
    Ok(acks)
}
