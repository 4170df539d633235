//! What lies between the socket and the application: the HTTP/1 server with its connection
//! guard (so that requests the HTTP layer refuses are answered as problem+json too), and the
//! bounds every request's URL is held to. The limits themselves are listed in the README.

pub mod bounds;
mod guard;

pub use guard::Timeouts;
pub mod refusal;

use std::fmt;
use std::net::TcpListener;
use std::time::Duration;

use actix_http::{HttpService, Request, Response};
use actix_service::{map_config, IntoServiceFactory, ServiceFactory, ServiceFactoryExt};
use actix_web::body::MessageBody;
use actix_web::dev::{AppConfig, Server};
use actix_web::rt::net::TcpStream;

use guard::GuardedStream;
use refusal::RefusalToken;

/// Serves the application made by `factory` (once per worker) on `listener`, like
/// `actix_web::HttpServer`, with every connection read through the guard, which keeps the
/// `timeouts`.
pub fn serve<F, I, S, B>(
    listener: TcpListener,
    workers: usize,
    timeouts: Timeouts,
    token: RefusalToken,
    factory: F,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as actix_service::Service<Request>>::Future: 'static,
    B: MessageBody + 'static,
{
    let addr = listener.local_addr()?;
    let builder = actix_server::Server::build().workers(workers);
    let shutdown = builder.graceful_shutdown_signal();
    let builder = builder.listen("normreg", listener, move || {
        let token = token.clone();
        let shutdown = shutdown.clone();
        let app = factory().into_factory().map_err(|e| e.into().error_response());
        let http = HttpService::build()
            .graceful_shutdown_signal(move || {
                let signal = shutdown.clone();
                async move { signal.notified().await }
            })
            // The guard keeps this time itself, so that its 408 is a problem like the rest.
            .client_request_timeout(Duration::ZERO)
            // actix-web's default, which `HttpServer` sets and `HttpService` does not: without
            // it a client that never closes after a refusal would hold its connection for ever
            // (the guard's `poll_shutdown` reads until the client closes).
            .client_disconnect_timeout(Duration::from_secs(1))
            .local_addr(addr)
            .h1(map_config(app, |_| AppConfig::default()));
        actix_service::fn_service(move |io: TcpStream| {
            let peer = io.peer_addr().ok();
            let guarded = GuardedStream::new(io, timeouts, token.clone());
            std::future::ready(Ok::<_, actix_http::error::DispatchError>((guarded, peer)))
        })
        .and_then(http)
    })?;
    Ok(builder.run())
}
