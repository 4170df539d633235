//! The client address of a request: the one function every per-client limit keys on (the
//! login throttle, the review-suggestion and comment rate limits), so that they agree on
//! who the client is behind the proxies of `NORMREG_TRUSTED_PROXIES`.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::{web, HttpRequest};

use crate::state::AppState;

/// The request's client: the peer, or, when the peer is a trusted proxy, the address its
/// `X-Forwarded-For` names (see `domain::trusted_proxies`).
pub fn of(req: &HttpRequest) -> IpAddr {
    // A request always has a peer over TCP; the unspecified address stands for one without
    // (a test request), and is then one client like any other.
    let peer = req.peer_addr().map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return peer;
    };
    let forwarded: Vec<&str> =
        req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    state.config.trusted_proxies.client(peer, &forwarded)
}
