//! The connection guard: reads each request head with actix-http's own decoder before the
//! server does, so that a head the server would refuse with an empty answer (too long, too
//! many headers, malformed, too slow) is replaced by a request for the refusal page instead.
//!
//! actix-http answers such heads itself, before any middleware or handler runs, with a status
//! and no body; its limits (a request target of 65,534 bytes, a head of 128 KiB, 96 header
//! fields) are constants that cannot be configured. The guard sits between the socket and
//! actix-http's dispatcher: it decodes a copy of every byte with the same `h1::Codec` the
//! dispatcher uses, hands the dispatcher only the bytes of messages that decoded (so it
//! never sees a bad head), and where the decoder fails puts a request for
//! `/.normreg/refused/{code}` in their place (see `refusal`). The dispatcher then answers it
//! in order, after any earlier pipelined request, as problem+json, and closes the connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_codec::{AsyncRead, AsyncWrite, Decoder, ReadBuf};
use actix_http::h1::{Codec, Message, MessageType};
use actix_web::rt::net::TcpStream;
use actix_web::rt::time::{sleep, Sleep};
use actix_web::web::BytesMut;

use super::refusal::{Refusal, RefusalToken};

/// The most the guard reads from the socket at once.
const READ_CHUNK: usize = 16 * 1024;

/// After a refusal, how long the guard waits for the client to close, and how much of what it
/// still sends is read and dropped meanwhile; then the connection is let go regardless (the
/// dispatcher sets no timer of its own on this path).
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1024 * 1024;

/// How long a client may take to send the first request head (zero: no limit), and each
/// request body.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub head: Duration,
    pub body: Duration,
}

/// A TCP connection as the dispatcher sees it: only bytes of well-formed messages, and a
/// refusal request where a malformed one was.
pub struct GuardedStream {
    inner: TcpStream,
    /// The same decoder as the dispatcher's, run on a copy of the bytes to find the borders of
    /// messages and the heads it cannot read.
    shadow: Codec,
    /// Bytes read and not yet handed to the dispatcher; the first `decoded` of them belong to
    /// messages the shadow decoder has read (or to an injected refusal).
    pending: BytesMut,
    decoded: usize,
    /// The undecoded tail of `pending`, consumed by the shadow decoder.
    undecoded: BytesMut,
    scratch: Box<[u8; READ_CHUNK]>,
    /// Until the first head has arrived: the time it has left (actix-http's
    /// `client_request_timeout`, which the guard replaces so that the 408 too is a problem).
    head_deadline: Option<Pin<Box<Sleep>>>,
    /// While a request body is arriving: the time it has left. A handler that reads the body
    /// answers 408 itself (`api::json`); this is the backstop for one that answered without
    /// reading it, where actix-http would otherwise wait for the rest for ever.
    body_timeout: Duration,
    body_deadline: Option<Pin<Box<Sleep>>>,
    ended: bool,
    write_closed: bool,
    /// Once the write side is closed after a refusal: until when, and how many more bytes,
    /// the rest of the client's request is read and dropped.
    linger: Option<(Pin<Box<Sleep>>, usize)>,
    token: RefusalToken,
}

impl GuardedStream {
    pub fn new(inner: TcpStream, timeouts: Timeouts, token: RefusalToken) -> Self {
        Self {
            inner,
            shadow: Codec::default(),
            pending: BytesMut::new(),
            decoded: 0,
            undecoded: BytesMut::new(),
            scratch: Box::new([0; READ_CHUNK]),
            head_deadline: (!timeouts.head.is_zero()).then(|| Box::pin(sleep(timeouts.head))),
            body_timeout: timeouts.body,
            body_deadline: None,
            ended: false,
            write_closed: false,
            linger: None,
            token,
        }
    }

    /// Decodes what has arrived; on a head the dispatcher would refuse, replaces it (and
    /// everything after it) by the refusal request.
    fn decode_arrived(&mut self) {
        loop {
            let before = self.undecoded.len();
            let in_body = self.shadow.message_type() != MessageType::None;
            let step = self.shadow.decode(&mut self.undecoded);
            // A head that fails may already have been split off; the bad message begins where
            // the decoded bytes end, so nothing of it is counted.
            let step = match step {
                Ok(step) => step,
                // A malformed chunk: the request has begun, and its handler answers the body
                // ending early (`unreadable_body`); a request put here would be read as body.
                Err(_) if in_body => return self.end(),
                Err(e) => {
                    let refusal = Refusal::of_parse_error(&e, &self.pending[self.decoded..]);
                    return self.refuse(refusal);
                }
            };
            self.decoded += before - self.undecoded.len();
            match self.shadow.message_type() {
                MessageType::Payload if self.body_deadline.is_none() => {
                    self.body_deadline = Some(Box::pin(sleep(self.body_timeout)));
                }
                MessageType::Payload => {}
                MessageType::None | MessageType::Stream => self.body_deadline = None,
            }
            match step {
                Some(Message::Item(_)) => self.head_deadline = None,
                Some(Message::Chunk(_)) => {}
                None => return,
            }
        }
    }

    /// Drops the bytes not yet decoded and puts the refusal request in their place; nothing
    /// more is read from the client.
    fn refuse(&mut self, refusal: Refusal) {
        self.end();
        self.pending.extend_from_slice(&refusal.request(&self.token));
        self.decoded = self.pending.len();
    }

    /// Drops the bytes not yet decoded; the dispatcher reads what was decoded, then nothing.
    fn end(&mut self) {
        self.pending.truncate(self.decoded);
        self.undecoded.clear();
        self.head_deadline = None;
        self.body_deadline = None;
        self.ended = true;
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.decoded > 0 {
                let n = this.decoded.min(buf.remaining());
                buf.put_slice(&this.pending.split_to(n));
                this.decoded -= n;
                return Poll::Ready(Ok(()));
            }
            if this.ended {
                // After a refusal (which asks to close the connection) or a broken body, the
                // client's further bytes are never read (see `poll_shutdown`). The end of the
                // stream lets a body that broke off fail at once.
                return Poll::Ready(Ok(()));
            }
            if let Some(deadline) = this.head_deadline.as_mut() {
                if deadline.as_mut().poll(cx).is_ready() {
                    this.refuse(Refusal::RequestTimeout);
                    continue;
                }
            }
            if let Some(deadline) = this.body_deadline.as_mut() {
                if deadline.as_mut().poll(cx).is_ready() {
                    // The body broke off: the dispatcher sees the end of the stream and closes.
                    this.end();
                    continue;
                }
            }
            let mut read = ReadBuf::new(&mut this.scratch[..]);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                // End of stream: the dispatcher sees it as the client would have it seen.
                Poll::Ready(Ok(())) if read.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {
                    this.pending.extend_from_slice(read.filled());
                    this.undecoded.extend_from_slice(read.filled());
                    this.decode_arrived();
                }
            }
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    /// After a refusal the client may still be sending the rest of its request; closing with
    /// those bytes unread would reset the connection and the client could lose the answer.
    /// So the write side is closed first, then what arrives is read and dropped until the
    /// client closes too, for at most [`LINGER`] and [`LINGER_BYTES`]: a client that neither
    /// closes nor stops sending does not keep the connection.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.write_closed {
            std::task::ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            this.write_closed = true;
        }
        if !this.ended {
            return Poll::Ready(Ok(()));
        }
        let (deadline, left) =
            this.linger.get_or_insert_with(|| (Box::pin(sleep(LINGER)), LINGER_BYTES));
        loop {
            if deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            let mut read = ReadBuf::new(&mut this.scratch[..]);
            match std::task::ready!(Pin::new(&mut this.inner).poll_read(cx, &mut read)) {
                Ok(()) if !read.filled().is_empty() && read.filled().len() < *left => {
                    *left -= read.filled().len();
                }
                _ => return Poll::Ready(Ok(())),
            }
        }
    }
}
