//! HTTP/1.1 in front of [`Kms`], plain or over TLS ([`serve_tls`]): AWS JSON 1.1, `POST /`
//! with `X-Amz-Target: TrentService.<Operation>`, the caller's account and Region from the
//! SigV4 `Authorization` header: read as given with [`sigv4::Mode::Off`], verified first
//! with [`sigv4::Mode::Strict`] (every path, the admin ones included).
//! `POST /moto-api/reset` forgets every key, as moto's test server does; `/kmsim/clock`
//! reads or advances the server's clock (wall clock plus an offset); `GET /kmsim/alarms`
//! lists the alarms the engines raised (rules from `kmsim serve --alarms`).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::kms::{Caller, Kms, VIA_SERVICE_HEADER};
use crate::sigv4;
use crate::wire::WireError;

/// Where `kmsim serve` listens unless told otherwise: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4599";

/// The largest request body accepted. KMS's largest requests (ImportKeyMaterial, a 4 KiB
/// plaintext with 64 KiB of grant tokens and context) are far smaller.
const MAX_BODY_BYTES: usize = 1 << 20;
/// The largest body of a `/kmsim/clock` request.
const MAX_CLOCK_BODY_BYTES: usize = 4096;
/// How long a TLS client may take to send its first byte and finish the handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The first byte of every TLS connection: a handshake record.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;
/// The answer to plain HTTP on a TLS port, before closing it.
const PLAIN_HTTP_ON_TLS: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\
    Content-Length: 57\r\nConnection: close\r\n\r\n\
    This port speaks HTTPS (TLS): use an https:// endpoint.\r\n";

const JSON_1_1: &str = "application/x-amz-json-1.1";
/// moto's reset endpoint, which its test suite calls before each test in server mode: every
/// key in every Region is forgotten.
pub const RESET_PATH: &str = "/moto-api/reset";
/// The server's clock: read it, or move it ahead so time-driven work falls due.
pub const CLOCK_PATH: &str = "/kmsim/clock";
/// The alarms the engines have raised over their calls (`kmsim serve --alarms`).
pub const ALARMS_PATH: &str = "/kmsim/alarms";
const TARGET_PREFIX: &str = "TrentService.";
/// The message of a call whose worker panicked (the engine lock is then poisoned).
const CALL_FAILED: &str = "The request failed inside the server.";
const RESET_FAILED: &str = "The reset failed inside the server.";

/// Serves `kms` over plain HTTP on `listener` until `shutdown` completes. Connections
/// already open finish their current request.
///
/// # Errors
/// Never on a bad request (that is an HTTP answer); only if the listener fails.
pub async fn serve(
    listener: TcpListener,
    kms: Arc<Kms>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    accept_loop(listener, kms, None, shutdown).await
}

/// Serves `kms` over HTTPS on `listener` with `tls` (see [`crate::tls::server_config`])
/// until `shutdown` completes. A connection that fails its handshake is closed and the
/// server goes on; one that speaks plain HTTP is answered 400 first.
///
/// # Errors
/// Never on a bad connection or request; only if the listener fails.
pub async fn serve_tls(
    listener: TcpListener,
    kms: Arc<Kms>,
    tls: Arc<rustls::ServerConfig>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    accept_loop(listener, kms, Some(TlsAcceptor::from(tls)), shutdown).await
}

async fn accept_loop(
    listener: TcpListener,
    kms: Arc<Kms>,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let request_ids = Arc::new(RequestIds::new(kms.config().seed));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // Out of file descriptors or a connection reset before accept: the
                // listener itself is fine, so keep serving.
                let Ok((stream, _)) = accepted else { continue };
                let kms = Arc::clone(&kms);
                let ids = Arc::clone(&request_ids);
                let tls = tls.clone();
                // The handshake runs in the connection's task, so a slow client holds up
                // only itself.
                tokio::spawn(async move {
                    match tls {
                        None => serve_connection(TokioIo::new(stream), kms, ids).await,
                        Some(acceptor) => {
                            if let Some(stream) = handshake(&acceptor, stream).await {
                                serve_connection(TokioIo::new(stream), kms, ids).await;
                            }
                        }
                    }
                });
            }
            () = &mut shutdown => return Ok(()),
        }
    }
}

/// The TLS session of a new connection, or `None` (the connection then closed) if it is
/// plain HTTP, slow, or fails the handshake.
async fn handshake(
    acceptor: &TlsAcceptor,
    mut stream: TcpStream,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    let mut first = [0u8; 1];
    let peeked = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await;
    if !matches!(peeked, Ok(Ok(1))) {
        return None;
    }
    if first[0] != TLS_HANDSHAKE_RECORD {
        // Most likely http:// against an https:// server: say so rather than send a TLS
        // alert the client cannot read.
        let _ = stream.write_all(PLAIN_HTTP_ON_TLS).await;
        let _ = stream.shutdown().await;
        return None;
    }
    tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await.ok()?.ok()
}

async fn serve_connection<I>(io: TokioIo<I>, kms: Arc<Kms>, ids: Arc<RequestIds>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| handle(Arc::clone(&kms), Arc::clone(&ids), request));
    // A client that hangs up mid-request is its own business.
    let _ = http1::Builder::new().serve_connection(io, service).await;
}

async fn handle(
    kms: Arc<Kms>,
    ids: Arc<RequestIds>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let request_id = ids.next();
    let (parts, body) = request.into_parts();
    // The whole body first: a signature covers it.
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => WipedBody(collected.to_bytes()),
        Err(_) => {
            let error = WireError::new(
                "SerializationException",
                format!("The request body is unreadable or larger than {MAX_BODY_BYTES} bytes."),
                413,
            );
            return Ok(failed(&error, &request_id));
        }
    };
    let mut caller = match authenticate(&kms, &parts, &body) {
        Ok(caller) => caller,
        Err(error) => return Ok(failed(&error, &request_id)),
    };
    // kmsim's extension: the call came through this AWS service endpoint (`Kms::call`
    // checks its shape). A header that is not text is refused, never ignored.
    if let Some(value) = parts.headers.get(VIA_SERVICE_HEADER) {
        match value.to_str() {
            Ok(endpoint) => caller.via_service = Some(endpoint.to_owned()),
            Err(_) => {
                let error = WireError::new(
                    "ValidationException",
                    format!("The {VIA_SERVICE_HEADER} header must be ASCII text"),
                    400,
                );
                return Ok(failed(&error, &request_id));
            }
        }
    }
    let path = parts.uri.path();
    if parts.method == Method::POST && path == RESET_PATH {
        // Off the I/O threads: it waits for the lock an engine call may hold.
        let reset = tokio::task::spawn_blocking(move || kms.reset()).await;
        let (status, body) = match reset {
            Ok(()) => (200, br#"{"status":"ok"}"#.to_vec()),
            Err(_) => return Ok(failed(&WireError::internal(RESET_FAILED), &request_id)),
        };
        return Ok(answer(status, body, &request_id));
    }
    if path == CLOCK_PATH {
        return Ok(clock(kms, &parts.method, &body, &request_id).await);
    }
    if path == ALARMS_PATH {
        if parts.method != Method::GET {
            let error = WireError::new("ValidationException", "Use GET to read the alarms.", 400);
            return Ok(failed(&error, &request_id));
        }
        // Off the I/O threads: it waits for the lock an engine call may hold.
        let alarms = tokio::task::spawn_blocking(move || kms.alarms()).await;
        return Ok(match alarms {
            Ok(alarms) => {
                let body = serde_json::json!({ "Alarms": alarms }).to_string().into_bytes();
                answer(200, body, &request_id)
            }
            Err(_) => failed(&WireError::internal(CALL_FAILED), &request_id),
        });
    }
    if parts.method != Method::POST || path != "/" {
        let error = unknown_operation(&format!("{} {path}", parts.method));
        return Ok(failed(&error, &request_id));
    }
    let Some(operation) = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(TARGET_PREFIX))
        .map(str::to_owned)
    else {
        let error = unknown_operation("a request without X-Amz-Target: TrentService.<Operation>");
        return Ok(failed(&error, &request_id));
    };
    let now = wall_clock();
    // The engine call is CPU work under a lock: off the I/O threads.
    // The body is wiped when the closure drops it.
    let result =
        tokio::task::spawn_blocking(move || kms.call(&caller, &operation, &body, now)).await;
    Ok(match result {
        Ok(answer_) => answer(answer_.status, answer_.body, &request_id),
        Err(_) => failed(&WireError::internal(CALL_FAILED), &request_id),
    })
}

/// Who calls and where. With SigV4 off, what the `Authorization` header says (unsigned:
/// the defaults); strict, what a valid signature proves, or the AWS error that refuses it.
fn authenticate(kms: &Kms, parts: &Parts, body: &[u8]) -> Result<Caller, WireError> {
    let config = kms.config();
    match config.sigv4 {
        sigv4::Mode::Off => Ok(parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(caller_from_authorization)
            .unwrap_or_default()),
        sigv4::Mode::Strict => {
            // Clients sign with their wall clock: the skew is checked against it, not
            // against the server's clock that /kmsim/clock may have moved.
            let verified = sigv4::verify(&config.credentials, parts, body, wall_system_time())?;
            Ok(Caller {
                access_key: Some(verified.access_key),
                region: Some(verified.region),
                via_service: None,
            })
        }
    }
}

/// `GET /kmsim/clock` reads the server's time; `POST /kmsim/clock` with
/// `{"AdvanceSeconds": N}` moves it N seconds ahead. Both answer `{"Now": <epoch seconds>}`.
async fn clock(
    kms: Arc<Kms>,
    method: &Method,
    body: &[u8],
    request_id: &str,
) -> Response<Full<Bytes>> {
    let error =
        |message: &str| failed(&WireError::new("ValidationException", message, 400), request_id);
    let advance_ns = if method == Method::POST {
        if body.len() > MAX_CLOCK_BODY_BYTES {
            return error("The clock request body is unreadable.");
        }
        let body: serde_json::Value =
            serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
        match body.get("AdvanceSeconds").and_then(serde_json::Value::as_f64) {
            Some(seconds) if (0.0..1e11).contains(&seconds) => {
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "checked: from 0 to 1e11 s, under 1e20 ns"
                )]
                let ns = (seconds * 1e9).round() as u64;
                Some(ns)
            }
            _ => {
                return error("Expected {\"AdvanceSeconds\": a number of seconds from 0 to 1e11}.");
            }
        }
    } else if method == Method::GET {
        None
    } else {
        return error("Use GET to read the clock or POST to advance it.");
    };
    let wall = wall_clock();
    let now = tokio::task::spawn_blocking(move || match advance_ns {
        Some(ns) => kms.advance_clock(ns, wall),
        None => Ok(kms.server_time(wall)),
    })
    .await;
    match now {
        Ok(Ok(now)) => {
            #[expect(clippy::cast_precision_loss, reason = "epoch seconds as AWS writes them")]
            let seconds = now.unix_nanos() as f64 / 1e9;
            answer(200, serde_json::json!({ "Now": seconds }).to_string().into_bytes(), request_id)
        }
        Ok(Err(error)) => failed(&error, request_id),
        Err(_) => failed(&WireError::internal(CALL_FAILED), request_id),
    }
}

fn unknown_operation(what: &str) -> WireError {
    WireError::new("UnknownOperationException", format!("Unknown operation: {what}"), 400)
}

/// The answer that carries `error`.
fn failed(error: &WireError, request_id: &str) -> Response<Full<Bytes>> {
    answer(error.status, error.body(), request_id)
}

fn answer(status: u16, body: Vec<u8>, request_id: &str) -> Response<Full<Bytes>> {
    // A body may carry a plaintext (Decrypt, GenerateDataKey): its buffer is zeroized when
    // hyper drops the last reference, after sending it.
    let body = Bytes::from_owner(zeroize::Zeroizing::new(body));
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_1_1));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// The access key and Region of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/kms/aws4_request, SignedHeaders=…,
/// Signature=…`. Anything else reads as unsigned.
#[must_use]
pub fn caller_from_authorization(header: &str) -> Caller {
    let Some(rest) = header.strip_prefix("AWS4-HMAC-SHA256") else {
        return Caller::default();
    };
    let credential =
        rest.split(',').map(str::trim).find_map(|part| part.strip_prefix("Credential="));
    let Some(credential) = credential else {
        return Caller::default();
    };
    let mut scope = credential.split('/');
    let access_key = scope.next().filter(|k| !k.is_empty()).map(str::to_owned);
    let region = scope.nth(1).filter(|r| !r.is_empty()).map(str::to_owned);
    Caller { access_key, region, via_service: None }
}

/// The wall clock: the server is the edge where real time enters the engine.
fn wall_clock() -> engine::Timestamp {
    let nanos =
        wall_system_time().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    engine::Timestamp::from_unix_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

fn wall_system_time() -> std::time::SystemTime {
    #[expect(clippy::disallowed_methods, reason = "the server serves in wall-clock time")]
    std::time::SystemTime::now()
}

/// A request body, which may hold a plaintext (Encrypt, ImportKeyMaterial): wiped when
/// dropped, on every path, if it is then its buffer's only owner (as it is once hyper has
/// handed it over).
struct WipedBody(Bytes);

impl std::ops::Deref for WipedBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for WipedBody {
    fn drop(&mut self) {
        if let Ok(mut body) = std::mem::take(&mut self.0).try_into_mut() {
            zeroize::Zeroize::zeroize(body.as_mut());
        }
    }
}

/// Request ids in the UUID shape AWS uses, unique per server run.
struct RequestIds {
    prefix: u64,
    counter: AtomicU64,
}

impl RequestIds {
    const fn new(seed: u64) -> Self {
        Self { prefix: seed, counter: AtomicU64::new(0) }
    }

    fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let hi = self.prefix;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xfff,
            (n >> 48) & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_caller_from_a_sigv4_header() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/kms/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc";
        let caller = caller_from_authorization(header);
        assert_eq!(caller.access_key.as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(caller.region.as_deref(), Some("eu-west-1"));
        assert_eq!(caller_from_authorization("Basic dXNlcg=="), Caller::default());
        assert_eq!(caller_from_authorization("AWS4-HMAC-SHA256 Signature=x"), Caller::default());
    }

    #[test]
    fn request_ids_are_unique_and_uuid_shaped() {
        let ids = RequestIds::new(0x0123_4567_89ab_cdef);
        let (a, b) = (ids.next(), ids.next());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
