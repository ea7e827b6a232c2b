//! The sockets of `tend serve`: binding a free port, accepting connections, and the time
//! limits every connection lives under. What is answered is [`super::http`]'s business.
//!
//! `axum::serve` sets no timer, so a client could hold a connection by sending nothing or
//! a byte at a time. Here each connection is served by hyper's HTTP/1 builder with a
//! header-read timeout (which also closes kept-alive connections that send no next
//! request), inside [`Idle`], which closes a connection after a stretch with no bytes in
//! either direction (a client that stops reading a response, for one).

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::Timeouts;
use crate::error::Error;

/// How many ports above the requested one are tried when it is taken.
const PORT_TRIES: u16 = 20;

pub(super) fn io_error(action: &'static str, source: io::Error) -> Error {
    Error::Io { action, path: PathBuf::from("(network)"), source }
}

/// Binds `port`, or the next free port above it.
pub(super) fn bind(ip: IpAddr, port: u16) -> Result<std::net::TcpListener, Error> {
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    let mut last = None;
    for offset in 0..tries {
        match std::net::TcpListener::bind(SocketAddr::new(ip, port.saturating_add(offset))) {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => last = Some(error),
            Err(error) => return Err(io_error("could not listen on", error)),
        }
    }
    Err(Error::Usage(format!(
        "ports {port} to {} are all in use ({}); pass --port N",
        port.saturating_add(tries - 1),
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// The server's thread; dropping it stops the server.
pub(super) struct Running {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Blocks until the server stops (Ctrl-C).
    pub(super) fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves `app` on `listener` from a thread of its own until stopped or Ctrl-C.
/// Stopping does not wait for open connections: the live-reload streams never end.
pub(super) fn serve(listener: std::net::TcpListener, app: axum::Router, timeouts: Timeouts) -> Result<Running, Error> {
    listener.set_nonblocking(true).map_err(|source| io_error("could not configure", source))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| io_error("could not start the server runtime for", source))?;
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
            let stop = async {
                tokio::select! {
                    _ = stop => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            };
            accept(listener, app, timeouts, stop).await;
        });
        runtime.shutdown_background();
    });
    Ok(Running { shutdown: Some(shutdown), thread: Some(thread) })
}

/// Accepts connections until `stop`, each served on a task of its own.
async fn accept(listener: tokio::net::TcpListener, app: axum::Router, timeouts: Timeouts, stop: impl Future) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeouts.headers);
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: give open connections time to end.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => return,
        };
        let io = TokioIo::new(Idle::new(stream, timeouts.idle));
        let service = TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(io, service);
        tokio::spawn(async move {
            // A client that went away or timed out is not worth a message.
            let _ = connection.await;
        });
    }
}

/// A connection that fails once no byte has moved either way for `limit`.
struct Idle<T> {
    io: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T> Idle<T> {
    fn new(io: T, limit: Duration) -> Self {
        Self { io, limit, deadline: Box::pin(tokio::time::sleep(limit)) }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.limit);
    }

    /// Called when the inner operation is pending: an error once the deadline passed
    /// (the task is woken when it does).
    fn expired<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle too long"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Pending => this.expired(cx),
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.moved();
                }
                Poll::Ready(result)
            }
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, bytes) {
            Poll::Pending => this.expired(cx),
            Poll::Ready(result) => {
                if matches!(result, Ok(n) if n > 0) {
                    this.moved();
                }
                Poll::Ready(result)
            }
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Pending => this.expired(cx),
            Poll::Ready(result) => {
                if matches!(result, Ok(n) if n > 0) {
                    this.moved();
                }
                Poll::Ready(result)
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Pending => this.expired(cx),
            ready => ready,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn an_idle_connection_fails_and_traffic_keeps_it_alive() {
        let (mut client, server) = tokio::io::duplex(64);
        let limit = Duration::from_millis(500);
        let mut idle = Idle::new(server, limit);
        let mut byte = [0; 1];
        // A byte every 200 ms keeps it open well past the limit.
        let started = Instant::now();
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            client.write_all(b"x").await.expect("write");
            idle.read_exact(&mut byte).await.expect("read within the limit");
        }
        assert!(started.elapsed() > limit);
        let error = idle.read_exact(&mut byte).await.expect_err("nothing for the whole limit");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
