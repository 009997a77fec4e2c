//! `kmsim load`: a live load generator of Encrypt calls, against the in-process engine or
//! a running server (`kmsim serve`, `moto_server`, anything that speaks AWS KMS's JSON 1.1),
//! reporting throughput and latency percentiles.
//!
//! Two modes. Closed loop (the default): each of `--connections` workers sends its next
//! request when the last one is answered, so the figure is the most the target sustains.
//! Open loop (`--rate`): requests are due at fixed intervals whatever the target does, and
//! each latency is measured from when its request was due, not from when it was sent, so a
//! stalled target shows up in the percentiles instead of pausing the load (no coordinated
//! omission, as wrk2 measures it).
//!
//! This is the edge where real time is measured: the wall clock is read here on purpose.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_rustls::{ConfigBuilderExt as _, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use sim::metrics::Latency;

/// `kmsim load` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct LoadArgs {
    /// A running server's endpoint (e.g. http://127.0.0.1:4599, or https://… for a TLS
    /// server); the in-process engine, with the default provider and quotas off, when
    /// absent.
    #[arg(long)]
    endpoint: Option<String>,
    /// PEM file of the CA certificates an https:// endpoint is trusted by (its own
    /// certificate, if self-signed); the system's trusted roots when absent.
    #[arg(long, value_name = "CA.pem")]
    ca_file: Option<std::path::PathBuf>,
    /// Requests per second, open loop; as fast as the target answers (closed loop) when
    /// absent.
    #[arg(long)]
    rate: Option<f64>,
    /// Measured seconds, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    duration_s: f64,
    /// Seconds of load before measuring (connections opened, caches warm).
    #[arg(long, default_value_t = 1.0)]
    warmup_s: f64,
    /// Concurrent connections (workers) against an endpoint.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Plaintext bytes per Encrypt.
    #[arg(long, default_value_t = 1024)]
    payload_bytes: usize,
    /// The Region of the requests' SigV4 credential scope.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// What a load run measured.
#[derive(Debug, Serialize)]
pub(crate) struct LoadReport {
    target: String,
    mode: String,
    operation: &'static str,
    payload_bytes: usize,
    seconds: f64,
    operations: u64,
    errors: u64,
    operations_per_s: f64,
    latency_us_p50: f64,
    latency_us_p99: f64,
    latency_us_p999: f64,
    latency_us_max: f64,
}

/// Runs the load and prints its report (a table, or JSON with `--json`).
pub(crate) fn main(args: &LoadArgs) -> anyhow::Result<()> {
    let report = run(args)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "target: {} ({}, {} B Encrypt)",
            report.target, report.mode, report.payload_bytes
        )?;
        writeln!(
            out,
            "{} operations in {:.1} s: {:.0} operations/s, {} errors",
            report.operations, report.seconds, report.operations_per_s, report.errors
        )?;
        writeln!(
            out,
            "latency [µs]: p50 {:.1}  p99 {:.1}  p99.9 {:.1}  max {:.1}",
            report.latency_us_p50,
            report.latency_us_p99,
            report.latency_us_p999,
            report.latency_us_max
        )?;
    }
    Ok(())
}

fn run(args: &LoadArgs) -> anyhow::Result<LoadReport> {
    let refuse = |why: &str| Err(crate::BadInput(why.to_owned()).into());
    if !(args.duration_s > 0.0 && args.duration_s.is_finite() && args.warmup_s >= 0.0) {
        return refuse("--duration-s must be positive and --warmup-s not negative");
    }
    if args.rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
        return refuse("--rate must be a positive number of requests per second");
    }
    if args.payload_bytes == 0 || args.payload_bytes > 4096 {
        return refuse("--payload-bytes must be 1 to 4096 (Encrypt's plaintext limit)");
    }
    match &args.endpoint {
        None => Ok(in_process(args)),
        Some(endpoint) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(over_http(args, endpoint))
        }
    }
}

#[expect(clippy::disallowed_methods, reason = "a load generator measures wall-clock time")]
fn now() -> Instant {
    Instant::now()
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn report(
    args: &LoadArgs,
    target: String,
    latency: &Latency,
    errors: u64,
    seconds: f64,
) -> LoadReport {
    let us = |q: f64| latency.quantile_ns(q) as f64 / 1e3;
    let operations = latency.count();
    LoadReport {
        target,
        mode: args.rate.map_or_else(
            || "closed loop".to_owned(),
            |rate| format!("open loop at {rate} requests/s"),
        ),
        operation: "Encrypt",
        payload_bytes: args.payload_bytes,
        seconds,
        operations,
        errors,
        operations_per_s: operations as f64 / seconds,
        latency_us_p50: us(0.5),
        latency_us_p99: us(0.99),
        latency_us_p999: us(0.999),
        latency_us_max: us(1.0),
    }
}

/// Encrypt straight through the engine API on this thread.
fn in_process(args: &LoadArgs) -> LoadReport {
    use engine::api::{CreateKeyRequest, EncryptRequest};
    let mut kms = engine::Engine::new(
        engine::EngineConfig::new(engine::Region::US_EAST_1, 1)
            .with_audit_sink(engine::audit::AuditSink::CountOnly)
            .with_quotas(engine::quota::QuotaConfig::disabled()),
    );
    let ctx = engine::CallContext::new(
        engine::id::PrincipalArn::root("123456789012".parse().unwrap_or_else(|_| unreachable!())),
        engine::Timestamp::from_unix_seconds(1_796_000_000),
    );
    let Ok(created) = kms.create_key(&ctx, CreateKeyRequest::new()) else {
        unreachable!("creating the first key of a fresh engine")
    };
    let key = created.key_id();
    let payload = vec![7u8; args.payload_bytes];
    let mut latency = Latency::new();
    let mut errors = 0;
    let interval = args.rate.map(|rate| Duration::from_secs_f64(1.0 / rate));
    let start = now();
    let measure_from = start + Duration::from_secs_f64(args.warmup_s);
    let end = measure_from + Duration::from_secs_f64(args.duration_s);
    let mut due = start;
    loop {
        if interval.is_some() {
            while now() < due {
                std::hint::spin_loop();
            }
        } else {
            due = now();
        }
        if due >= end {
            break;
        }
        let ok = kms.encrypt(&ctx, EncryptRequest::new(key, payload.clone())).is_ok();
        let done = now();
        if due >= measure_from {
            if ok {
                latency.record(nanos(done - due));
            } else {
                errors += 1;
            }
        }
        if let Some(interval) = interval {
            due += interval;
        }
    }
    report(args, "in-process engine".to_owned(), &latency, errors, args.duration_s)
}

pub(crate) type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A pooled HTTP/1.1 client for `uri`: plain for http://, TLS for https:// (kmsim serve's
/// key exchange groups, X25519MLKEM768 first), trusting `--ca-file` or the system's roots.
pub(crate) fn http_client(
    ca_file: Option<&std::path::Path>,
    connections: usize,
    uri: &hyper::Uri,
) -> anyhow::Result<HttpClient> {
    let https = uri.scheme_str() == Some("https");
    if ca_file.is_some() && !https {
        bail!(crate::BadInput("--ca-file needs an https:// endpoint".to_owned()));
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(server::tls::provider()))
        .with_safe_default_protocol_versions()?;
    let tls = match ca_file {
        Some(path) => tls.with_root_certificates(
            server::tls::read_roots(path).map_err(|e| crate::BadInput(e.to_string()))?,
        ),
        None if https => tls.with_native_roots().context("reading the system's trusted CAs")?,
        // Plain HTTP: no certificate is ever checked.
        None => tls.with_root_certificates(rustls::RootCertStore::empty()),
    };
    let connector = HttpsConnectorBuilder::new()
        .with_tls_config(tls.with_no_client_auth())
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).pool_max_idle_per_host(connections).build(connector))
}

/// How kmsim's clients authenticate to an endpoint.
pub(crate) enum Auth {
    /// SigV4 with the credentials of the environment (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), which a `--sigv4 strict` server or
    /// real AWS requires.
    Signed(server::sigv4::Signer),
    /// An unsigned `authorization` header shaped like SigV4: servers that route by the
    /// credential scope (kmsim serve without `strict`, moto_server) see a KMS call in the
    /// Region.
    Unsigned(String),
}

impl Auth {
    /// Signed when the environment has credentials, else unsigned as the access key
    /// `placeholder_key_id`; both in `region`.
    pub(crate) fn from_env(region: &str, placeholder_key_id: &str) -> Self {
        server::sigv4::Signer::from_env(region).map_or_else(
            || {
                Self::Unsigned(format!(
                    "AWS4-HMAC-SHA256 Credential={placeholder_key_id}/20261130/{region}/kms/aws4_request, \
                     SignedHeaders=content-type;host;x-amz-target, Signature=unsigned"
                ))
            },
            Self::Signed,
        )
    }

    /// Adds the authentication headers to `request`, whose body is `body`.
    pub(crate) fn apply<B>(
        &self,
        request: &mut hyper::Request<B>,
        body: &[u8],
    ) -> anyhow::Result<()> {
        match self {
            Self::Signed(signer) => {
                #[expect(clippy::disallowed_methods, reason = "SigV4 signs with the wall clock")]
                let now = std::time::SystemTime::now();
                signer.sign(request, body, now)?;
            }
            Self::Unsigned(header) => {
                request.headers_mut().insert(hyper::header::AUTHORIZATION, header.parse()?);
            }
        }
        Ok(())
    }
}

pub(crate) async fn post(
    client: &HttpClient,
    auth: &Auth,
    uri: &hyper::Uri,
    operation: &str,
    body: Bytes,
) -> anyhow::Result<(u16, Bytes)> {
    let mut request = hyper::Request::post(uri.clone())
        .header("x-amz-target", format!("TrentService.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .body(Full::new(body.clone()))?;
    auth.apply(&mut request, &body)?;
    let response = client.request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

async fn over_http(args: &LoadArgs, endpoint: &str) -> anyhow::Result<LoadReport> {
    let uri: hyper::Uri = endpoint.parse().with_context(|| format!("endpoint `{endpoint}`"))?;
    let client = http_client(args.ca_file.as_deref(), args.connections, &uri)?;
    let auth = Arc::new(Auth::from_env(args.region.as_str(), "AKIDKMSIMLOAD"));
    let (status, created) = post(&client, &auth, &uri, "CreateKey", Bytes::from_static(b"{}"))
        .await
        .with_context(|| format!("CreateKey at {endpoint}"))?;
    if status != 200 {
        bail!("CreateKey at {endpoint}: HTTP {status}: {}", String::from_utf8_lossy(&created));
    }
    let created: serde_json::Value = serde_json::from_slice(&created)?;
    let key = created["KeyMetadata"]["KeyId"].as_str().context("CreateKey: no KeyId")?;
    let plaintext = base64::engine::general_purpose::STANDARD.encode(vec![7u8; args.payload_bytes]);
    let body = Bytes::from(serde_json::json!({"KeyId": key, "Plaintext": plaintext}).to_string());

    let start = now();
    let measure_from = start + Duration::from_secs_f64(args.warmup_s);
    let end = measure_from + Duration::from_secs_f64(args.duration_s);
    let tickets = Arc::new(AtomicU64::new(0));
    let interval = args.rate.map(|rate| 1.0 / rate);
    let workers: Vec<_> = (0..args.connections.max(1))
        .map(|_| {
            let (client, auth, uri, body, tickets) = (
                client.clone(),
                Arc::clone(&auth),
                uri.clone(),
                body.clone(),
                Arc::clone(&tickets),
            );
            tokio::spawn(async move {
                let mut latency = Latency::new();
                let mut errors = 0u64;
                loop {
                    let due = match interval {
                        // Open loop: the next request in the schedule, whichever worker
                        // is free to send it.
                        Some(interval) => {
                            let ticket = tickets.fetch_add(1, Ordering::Relaxed);
                            let due = start + Duration::from_secs_f64(ticket as f64 * interval);
                            tokio::time::sleep_until(due.into()).await;
                            due
                        }
                        None => now(),
                    };
                    if due >= end {
                        break;
                    }
                    let answer = post(&client, &auth, &uri, "Encrypt", body.clone()).await;
                    let done = now();
                    if due >= measure_from {
                        match answer {
                            Ok((200, _)) => latency.record(nanos(done - due)),
                            _ => errors += 1,
                        }
                    }
                }
                (latency, errors)
            })
        })
        .collect();
    let mut latency = Latency::new();
    let mut errors = 0;
    for worker in workers {
        let (worker_latency, worker_errors) = worker.await.context("a load worker failed")?;
        latency.merge(&worker_latency);
        errors += worker_errors;
    }
    Ok(report(args, endpoint.to_owned(), &latency, errors, args.duration_s))
}
