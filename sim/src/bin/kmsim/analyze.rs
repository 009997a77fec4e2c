//! `kmsim analyze`: who can use which key, read through the KMS API of a running endpoint
//! (`kmsim serve`, or anything that answers ListKeys, DescribeKey, GetKeyPolicy, ListGrants,
//! GetKeyRotationStatus and GetKeyLastUsage), as an access analyzer would.
//!
//! Findings, each with the statement or grant that causes it and a least-privilege fix:
//! - from each customer managed key's policy, [`engine::policy::analyze::analyze_key_policy`]:
//!   public access, cross-account access, wildcard actions for non-administrators, privilege
//!   escalation through PutKeyPolicy or CreateGrant, destructive actions for broad principals;
//! - from its grants, [`engine::policy::analyze::grant_findings`]: grants to other accounts,
//!   grants that can create grants without constraints;
//! - keys unused for `--unused-days` (GetKeyLastUsage; a key never used counts from its
//!   creation), and symmetric AWS_KMS keys without automatic rotation.
//!
//! AWS managed keys are reported only for their usage: their policy and rotation are AWS's.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use engine::id::AccountId;
use engine::policy::PolicyDocument;
use engine::policy::analyze::{self, GrantSummary};
use http_body_util::{BodyExt as _, Full};
use serde::Serialize;
use serde_json::{Value, json};

use crate::load::HttpClient;

/// `kmsim analyze` flags.
#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// The KMS endpoint to read, e.g. http://127.0.0.1:4599 (`kmsim serve`).
    #[arg(long)]
    endpoint: String,
    /// The Region to read (the SigV4 credential scope of the requests).
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// A key not used for this many days is reported.
    #[arg(long, default_value_t = 90)]
    unused_days: u64,
    /// Trust this CA (PEM) for an https:// endpoint.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// One finding on one key.
#[derive(Debug, Serialize)]
struct KeyFinding {
    key_arn: String,
    kind: String,
    severity: &'static str,
    /// The statement or grant that causes it; empty for key-level findings.
    location: String,
    message: String,
    suggestion: String,
}

/// What `kmsim analyze` reports.
#[derive(Debug, Serialize)]
struct Analysis {
    endpoint: String,
    region: String,
    /// The time the analysis took as now [epoch seconds]: the server's clock when it
    /// has one (`/kmsim/clock`), else this machine's.
    now_epoch_s: f64,
    keys_analyzed: usize,
    /// Most urgent first, then by key and location.
    findings: Vec<KeyFinding>,
}

pub(crate) fn main(args: &AnalyzeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let analysis = runtime.block_on(analyze(args))?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &analysis)?;
        writeln!(stdout)?;
    } else {
        write_table(&mut stdout, &analysis)?;
    }
    Ok(())
}

struct Endpoint {
    client: HttpClient,
    uri: hyper::Uri,
    auth: crate::load::Auth,
}

impl Endpoint {
    /// Calls `operation`; an AWS error comes back as `Err` with its type and message.
    async fn call(&self, operation: &str, body: Value) -> anyhow::Result<Value> {
        let body = Bytes::from(body.to_string());
        let mut request = hyper::Request::post(self.uri.clone())
            .header("x-amz-target", format!("TrentService.{operation}"))
            .header("content-type", "application/x-amz-json-1.1")
            .body(Full::new(body.clone()))?;
        self.auth.apply(&mut request, &body)?;
        let response = self.client.request(request).await.with_context(|| operation.to_owned())?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status != 200 {
            bail!(
                "{operation}: HTTP {status} {}: {}",
                value["__type"].as_str().unwrap_or("(no error type)"),
                value["message"].as_str().unwrap_or(&String::from_utf8_lossy(&bytes))
            );
        }
        Ok(value)
    }

    /// The server's clock, if it has kmsim's clock endpoint.
    async fn server_now(&self) -> Option<f64> {
        let uri: hyper::Uri =
            format!("{}kmsim/clock", with_slash(&self.uri.to_string())).parse().ok()?;
        let mut request = hyper::Request::get(uri).body(Full::new(Bytes::new())).ok()?;
        self.auth.apply(&mut request, &[]).ok()?;
        let response = self.client.request(request).await.ok()?;
        if response.status() != 200 {
            return None;
        }
        let bytes = response.into_body().collect().await.ok()?.to_bytes();
        serde_json::from_slice::<Value>(&bytes).ok()?["Now"].as_f64()
    }

    /// Every page of a list operation: `member` of each answer, following `NextMarker`.
    async fn list(
        &self,
        operation: &str,
        request: Value,
        member: &str,
    ) -> anyhow::Result<Vec<Value>> {
        let mut items = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut body = request.clone();
            if let Some(marker) = &marker {
                body["Marker"] = json!(marker);
            }
            let page = self.call(operation, body).await?;
            items.extend(page[member].as_array().into_iter().flatten().cloned());
            match page["NextMarker"].as_str() {
                Some(next) if page["Truncated"].as_bool() == Some(true) => {
                    marker = Some(next.to_owned());
                }
                _ => return Ok(items),
            }
        }
    }
}

fn with_slash(uri: &str) -> String {
    if uri.ends_with('/') { uri.to_owned() } else { format!("{uri}/") }
}

async fn analyze(args: &AnalyzeArgs) -> anyhow::Result<Analysis> {
    let uri: hyper::Uri =
        args.endpoint.parse().map_err(|e| crate::BadInput(format!("--endpoint: {e}")))?;
    let endpoint = Endpoint {
        client: crate::load::http_client(args.ca_file.as_deref(), 1, &uri)?,
        uri,
        auth: crate::load::Auth::from_env(args.region.as_str(), "AKIDKMSIMANALYZE"),
    };
    #[expect(clippy::disallowed_methods, reason = "the CLI edge: a server without a clock")]
    let wall = std::time::SystemTime::now();
    let wall_s = wall.duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
    let now_s = endpoint.server_now().await.unwrap_or(wall_s);
    #[expect(clippy::cast_precision_loss, reason = "days as seconds, far below 2^53")]
    let unused_s = (args.unused_days * 86_400) as f64;

    let keys = endpoint.list("ListKeys", json!({ "Limit": 1000 }), "Keys").await?;
    let mut findings = Vec::new();
    for key in &keys {
        let key_id = key["KeyId"].as_str().context("ListKeys: an entry without KeyId")?;
        let metadata = endpoint.call("DescribeKey", json!({ "KeyId": key_id })).await?;
        let metadata = &metadata["KeyMetadata"];
        let arn = metadata["Arn"].as_str().unwrap_or(key_id).to_owned();
        if metadata["KeyState"] == "PendingDeletion" {
            continue; // On its way out: nothing to fix.
        }
        let customer = metadata["KeyManager"] != "AWS";
        let account: AccountId = metadata["AWSAccountId"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .context("DescribeKey: no AWSAccountId")?;
        // A key-level finding (no statement or grant causes it).
        let mut finding = |kind: &str, message: String, suggestion: String| {
            findings.push(KeyFinding {
                key_arn: arn.clone(),
                kind: kind.to_owned(),
                severity: "medium",
                location: String::new(),
                message,
                suggestion,
            });
        };
        let mut found = Vec::new();
        if customer {
            let policy = endpoint
                .call("GetKeyPolicy", json!({ "KeyId": key_id, "PolicyName": "default" }))
                .await?;
            let text = policy["Policy"].as_str().context("GetKeyPolicy: no Policy")?;
            match PolicyDocument::parse_key_policy(text) {
                Ok(document) => found.extend(analyze::analyze_key_policy(&document, account)),
                Err(error) => finding(
                    "unreadable-policy",
                    format!("the key policy does not parse: {}", error.message),
                    "rewrite the policy in the IAM grammar (PutKeyPolicy checks it)".to_owned(),
                ),
            }
            let grants = endpoint.list("ListGrants", json!({ "KeyId": key_id }), "Grants").await?;
            for grant in &grants {
                let operations: Vec<&str> = grant["Operations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let summary = GrantSummary {
                    grant_id: grant["GrantId"].as_str().unwrap_or_default(),
                    grantee_principal: grant["GranteePrincipal"].as_str().unwrap_or_default(),
                    operations: &operations,
                    has_constraints: grant["Constraints"]
                        .as_object()
                        .is_some_and(|c| !c.is_empty()),
                };
                found.extend(analyze::grant_findings(&summary, account));
            }
            let rotatable =
                metadata["KeySpec"] == "SYMMETRIC_DEFAULT" && metadata["Origin"] == "AWS_KMS";
            if rotatable {
                let status =
                    endpoint.call("GetKeyRotationStatus", json!({ "KeyId": key_id })).await?;
                if status["KeyRotationEnabled"] != true {
                    finding(
                        "rotation-disabled",
                        "automatic rotation is off for this symmetric key".to_owned(),
                        format!(
                            "EnableKeyRotation --key-id {key_id} (yearly by default; RotationPeriodInDays 90..2560)"
                        ),
                    );
                }
            }
        }
        let usage = endpoint.call("GetKeyLastUsage", json!({ "KeyId": key_id })).await?;
        let last_s = usage["KeyLastUsage"]["Timestamp"].as_f64();
        let since_s = last_s.or_else(|| metadata["CreationDate"].as_f64()).unwrap_or(now_s);
        if now_s - since_s >= unused_s {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "whole days, non-negative"
            )]
            let days = ((now_s - since_s) / 86_400.0).floor() as u64;
            let what = if last_s.is_some() { "last used" } else { "never used since its creation" };
            finding(
                "unused-key",
                format!("{what} {days} days ago (threshold {} days)", args.unused_days),
                format!(
                    "if nothing still needs it: DisableKey, then ScheduleKeyDeletion --key-id {key_id} (a disabled key can still be re-enabled)"
                ),
            );
        }
        findings.extend(found.into_iter().map(|f: analyze::Finding| KeyFinding {
            key_arn: arn.clone(),
            kind: f.kind.to_string(),
            severity: f.severity.as_str(),
            location: f.location.to_string(),
            message: f.message,
            suggestion: f.suggestion,
        }));
    }
    let rank = |severity: &str| match severity {
        "critical" => 0,
        "high" => 1,
        _ => 2,
    };
    findings.sort_by(|a, b| {
        (rank(a.severity), &a.key_arn, &a.location, &a.kind).cmp(&(
            rank(b.severity),
            &b.key_arn,
            &b.location,
            &b.kind,
        ))
    });
    Ok(Analysis {
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        now_epoch_s: now_s,
        keys_analyzed: keys.len(),
        findings,
    })
}

fn write_table(out: &mut impl std::io::Write, analysis: &Analysis) -> std::io::Result<()> {
    writeln!(
        out,
        "{} keys analyzed at {} ({}): {} findings",
        analysis.keys_analyzed,
        analysis.endpoint,
        analysis.region,
        analysis.findings.len()
    )?;
    if analysis.findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{:<9} {:<38} {:<30} where", "severity", "finding", "key")?;
    for f in &analysis.findings {
        let key = f.key_arn.rsplit('/').next().unwrap_or(&f.key_arn);
        writeln!(out, "{:<9} {:<38} {:<30} {}", f.severity, f.kind, key, f.location)?;
        writeln!(out, "          {}", f.message)?;
        writeln!(out, "          fix: {}", f.suggestion)?;
    }
    Ok(())
}
