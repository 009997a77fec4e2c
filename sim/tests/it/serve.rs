//! `kmsim serve --state-dir`: nothing acknowledged is lost to a kill -9 under load; and
//! `kmsim load` against the in-process engine and a running server.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

const ROOT_KEY: &str = "5f1e3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

/// `kmsim serve` on a free port with its state in `dir`; returns the child and its address.
fn serve(dir: &Path, root_key: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(dir)
        .env("KMSIM_ROOT_KEY", root_key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, address_of(&line))
}

/// The address in `kmsim serve`'s listen line (`… on http://ADDR (…)`).
fn address_of(line: &str) -> String {
    line.split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned()
}

/// One HTTP/1.1 exchange: `method path` with `headers` (each ending in CRLF) and `body`;
/// the status and the JSON answer, or `None` when the server is gone (connection refused
/// or cut) or the answer is not JSON.
fn exchange(
    address: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, Value)> {
    let mut stream = TcpStream::connect(address).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, serde_json::from_str(body).ok()?))
}

/// One call; `None` when the server is gone (connection refused or cut).
fn call(address: &str, operation: &str, body: &Value) -> Option<(u16, Value)> {
    let headers = format!(
        "X-Amz-Target: TrentService.{operation}\r\nContent-Type: application/x-amz-json-1.1\r\n"
    );
    exchange(address, "POST", "/", &headers, &body.to_string())
}

/// Whether an answer acknowledges the call; a throttle (CreateKey's quota is 5 per second)
/// is a refusal, anything else a failure of the test.
fn acknowledged(status: u16, body: &Value) -> bool {
    if status == 200 {
        return true;
    }
    assert_eq!(body["__type"], "ThrottlingException", "{status} {body}");
    false
}

#[derive(Default)]
struct Acknowledged {
    keys: Vec<String>,
    /// (ciphertext blob, plaintext, context tenant)
    ciphertexts: Vec<(String, String, String)>,
}

#[test]
fn nothing_acknowledged_is_lost_to_a_kill_9_under_load() {
    let dir = std::env::temp_dir().join(format!("kmsim-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut server, address) = serve(&dir, ROOT_KEY);

    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (address, acked, stop) = (address.clone(), Arc::clone(&acked), Arc::clone(&stop));
            std::thread::spawn(move || {
                for n in 0u32.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let key = acked.lock().unwrap().keys.last().cloned().filter(|_| n % 5 != 0);
                    if let Some(key) = key {
                        let plaintext = format!("client {client} message {n}");
                        let tenant = format!("t{}", n % 3);
                        let body = json!({
                            "KeyId": key,
                            "Plaintext": BASE64.encode(&plaintext),
                            "EncryptionContext": {"tenant": tenant},
                        });
                        let Some((status, sealed)) = call(&address, "Encrypt", &body) else {
                            return;
                        };
                        if !acknowledged(status, &sealed) {
                            continue;
                        }
                        let blob = sealed["CiphertextBlob"].as_str().unwrap().to_owned();
                        acked.lock().unwrap().ciphertexts.push((blob, plaintext, tenant));
                    } else {
                        let Some((status, created)) = call(&address, "CreateKey", &json!({}))
                        else {
                            return;
                        };
                        if !acknowledged(status, &created) {
                            continue;
                        }
                        let id = created["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
                        acked.lock().unwrap().keys.push(id);
                    }
                }
            })
        })
        .collect();

    // Let the load build up, then kill -9 (SIGKILL) while requests are in flight.
    for _ in 0..6_000 {
        if acked.lock().unwrap().ciphertexts.len() >= 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(acked.lock().unwrap().ciphertexts.len() >= 200, "the load never built up");
    server.kill().unwrap();
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    let acked = acked.lock().unwrap();
    assert!(acked.keys.len() >= 4, "{} keys", acked.keys.len());

    let (mut restarted, address) = serve(&dir, ROOT_KEY);
    for key in &acked.keys {
        let (status, described) = call(&address, "DescribeKey", &json!({"KeyId": key})).unwrap();
        assert_eq!(status, 200, "key {key} acknowledged before the kill is gone: {described}");
    }
    for (blob, plaintext, tenant) in &acked.ciphertexts {
        let body = json!({"CiphertextBlob": blob, "EncryptionContext": {"tenant": tenant}});
        let (status, opened) = call(&address, "Decrypt", &body).unwrap();
        assert_eq!(status, 200, "{opened}");
        let opened = BASE64.decode(opened["Plaintext"].as_str().unwrap()).unwrap();
        assert_eq!(opened, plaintext.as_bytes());
    }
    // The restarted server goes on serving, and journaling.
    let more = json!({"KeyId": acked.keys[0], "Plaintext": BASE64.encode("after the restart")});
    assert_eq!(call(&address, "Encrypt", &more).unwrap().0, 200);
    restarted.kill().unwrap();
    restarted.wait().unwrap();

    // Another root key cannot open the journal: a clear refusal, exit code 2.
    let wrong = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(&dir)
        .env("KMSIM_ROOT_KEY", "00".repeat(32))
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("another root key"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn load(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["load", "--duration-s", "0.3", "--warmup-s", "0.1", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn kmsim_load_measures_the_engine_and_a_server() {
    let in_process = load(&[]);
    assert_eq!(in_process["target"], "in-process engine");
    assert_eq!(in_process["errors"], 0);
    assert!(in_process["operations"].as_u64().unwrap() > 100, "{in_process}");
    let (p50, p999) = (&in_process["latency_us_p50"], &in_process["latency_us_p999"]);
    assert!(p50.as_f64().unwrap() > 0.0 && p50.as_f64() <= p999.as_f64(), "{in_process}");

    let dir = std::env::temp_dir().join(format!("kmsim-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut server, address) = serve(&dir, ROOT_KEY);
    let endpoint = format!("http://{address}");
    // Open loop at 500 requests/s for 0.3 s: about 150 measured, latency from the schedule.
    let over_http = load(&["--endpoint", &endpoint, "--rate", "500", "--connections", "4"]);
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(over_http["errors"], 0, "{over_http}");
    assert_eq!(over_http["mode"], "open loop at 500 requests/s");
    let operations = over_http["operations"].as_u64().unwrap();
    assert!((120..=160).contains(&operations), "{over_http}");

    let refused =
        Command::new(env!("CARGO_BIN_EXE_kmsim")).args(["load", "--rate", "0"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--rate must be a positive number"));
}

/// `kmsim serve ARGS` on a free port; the child and its first line (the listen line).
fn serve_with(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line)
}

/// A fresh self-signed certificate for 127.0.0.1 and localhost, written as PEM files in
/// `dir`: (certificate, key).
fn self_signed(dir: &Path) -> (String, String) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, signing_key.serialize_pem()).unwrap();
    (cert_path.display().to_string(), key_path.display().to_string())
}

#[test]
fn kmsim_serve_over_tls_and_kmsim_load_with_a_ca_file() {
    let dir = std::env::temp_dir().join(format!("kmsim-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = self_signed(&dir);
    let (mut server, line) = serve_with(&["--tls-cert", &cert, "--tls-key", &key]);
    let endpoint = line
        .split_whitespace()
        .find(|word| word.starts_with("https://"))
        .unwrap_or_else(|| panic!("no https:// address in {line:?}"))
        .to_owned();

    let over_tls = load(&["--endpoint", &endpoint, "--ca-file", &cert, "--rate", "500"]);
    assert_eq!(over_tls["errors"], 0, "{over_tls}");
    assert!(over_tls["operations"].as_u64().unwrap() >= 120, "{over_tls}");

    // Without the CA the self-signed certificate is not trusted: the first call fails.
    let untrusted = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["load", "--duration-s", "0.1", "--endpoint", &endpoint])
        .output()
        .unwrap();
    assert_eq!(untrusted.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert!(stderr.contains("CreateKey at https://"), "{stderr}");

    // http:// against the TLS port: refused with a reason, and the server goes on.
    let plain = endpoint.replace("https://", "http://");
    let refused = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["load", "--duration-s", "0.1", "--endpoint", &plain])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use an https:// endpoint"));
    let again = load(&["--endpoint", &endpoint, "--ca-file", &cert, "--connections", "1"]);
    assert_eq!(again["errors"], 0, "{again}");

    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn kmsim_serve_refuses_bad_sigv4_and_tls_input_with_exit_code_2() {
    let dir = std::env::temp_dir().join(format!("kmsim-bad-input-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let credentials = dir.join("credentials");
    std::fs::write(&credentials, "# keys\nAKIDGOOD TOPSECRET 111122223333\nAKIDBAD TOPSECRET2\n")
        .unwrap();
    let good = dir.join("good-credentials");
    std::fs::write(&good, "AKIDGOOD TOPSECRET 111122223333\n").unwrap();
    let empty = dir.join("empty");
    std::fs::write(&empty, "# nobody\n").unwrap();
    let path = |p: &Path| p.display().to_string();
    let missing = path(&dir.join("missing.pem"));
    for (args, expected) in [
        (vec!["--sigv4", "strict"], "--sigv4 strict needs access keys".to_owned()),
        (vec!["--sigv4", "lenient"], "unknown SigV4 mode 'lenient'".to_owned()),
        (
            vec!["--sigv4", "strict", "--credentials", &path(&credentials)],
            format!("{}:3: expected ACCESS_KEY_ID SECRET_ACCESS_KEY", path(&credentials)),
        ),
        (
            vec!["--sigv4", "strict", "--credentials", &path(&empty)],
            format!("{}: no access keys in it", path(&empty)),
        ),
        (
            vec![
                "--sigv4",
                "strict",
                "--credentials",
                &path(&good),
                "--access-key",
                "AKIDX=444455556666",
            ],
            "AKIDX has no secret in --credentials".to_owned(),
        ),
        (
            vec!["--credentials", &path(&good), "--access-key", "AKIDGOOD=444455556666"],
            "--credentials gives AKIDGOOD the account 111122223333".to_owned(),
        ),
        (vec!["--tls-cert", &missing], "--tls-key".to_owned()),
        (vec!["--tls-cert", &missing, "--tls-key", &missing], missing.clone()),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_kmsim"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("TOPSECRET"), "{args:?}: {stderr}");
    }

    // Good input starts, and says how it checks signatures.
    let (mut server, line) = serve_with(&["--sigv4", "strict", "--credentials", &path(&good)]);
    assert!(
        line.contains("http://127.0.0.1:") && line.contains("SigV4 strict, 1 access key)"),
        "{line}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `GET` of `path` on a plain-HTTP server: (status, JSON body).
fn get(address: &str, path: &str) -> (u16, Value) {
    exchange(address, "GET", path, "", "").unwrap()
}

#[test]
fn kmsim_serve_raises_the_alarms_of_its_rules_file() {
    let dir = std::env::temp_dir().join(format!("kmsim-alarms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("alarms.toml");
    std::fs::write(
        &rules,
        "[[alarms]]\nname = \"disabled key still used\"\nkind = \"disabled_key_used\"\n",
    )
    .unwrap();
    let (mut child, line) = serve_with(&["--alarms", &rules.display().to_string()]);
    let address = &address_of(&line);

    let (status, empty) = get(address, "/kmsim/alarms");
    assert_eq!((status, &empty), (200, &json!({ "Alarms": [] })));
    let (_, key) = call(address, "CreateKey", &json!({})).unwrap();
    let key_id = key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let encrypt = json!({ "KeyId": key_id, "Plaintext": BASE64.encode(b"still needed") });
    assert_eq!(call(address, "Encrypt", &encrypt).unwrap().0, 200);
    assert_eq!(get(address, "/kmsim/alarms").1["Alarms"].as_array().unwrap().len(), 0);
    assert_eq!(call(address, "DisableKey", &json!({ "KeyId": key_id })).unwrap().0, 200);
    let (status, refused) = call(address, "Encrypt", &encrypt).unwrap();
    assert_eq!((status, refused["__type"].as_str()), (400, Some("DisabledException")));

    let (status, raised) = get(address, "/kmsim/alarms");
    assert_eq!(status, 200);
    let alarms = raised["Alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1, "{raised}");
    assert_eq!(alarms[0]["rule"], "disabled key still used");
    assert!(alarms[0]["key_arn"].as_str().unwrap().ends_with(&key_id), "{raised}");
    assert!(!raised.to_string().contains("still needed"), "{raised}");
    child.kill().unwrap();
    child.wait().unwrap();

    // A broken rules file is bad input, named with its line and column.
    std::fs::write(&rules, "[[alarms]]\nname = \"x\"\nkind = \"sometimes\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["serve", "--listen", "127.0.0.1:0", "--alarms"])
        .arg(&rules)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}:3:", rules.display())), "{stderr}");
    assert!(stderr.contains("unknown alarm `sometimes`"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `POST` of a JSON body to an admin `path`: the status.
fn post_admin(address: &str, path: &str, body: &Value) -> u16 {
    exchange(address, "POST", path, "", &body.to_string()).unwrap().0
}

#[test]
fn kmsim_analyze_reports_what_a_server_s_keys_allow() {
    let (mut child, line) = serve_with(&["--seed", "5"]);
    let address = address_of(&line);
    let create = |description: &str| {
        let (_, key) = call(&address, "CreateKey", &json!({ "Description": description })).unwrap();
        key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned()
    };
    // A: rotated, in use, shared with nobody, but its policy lets anyone decrypt.
    let tidy = create("tidy");
    assert_eq!(call(&address, "EnableKeyRotation", &json!({ "KeyId": tidy })).unwrap().0, 200);
    let public = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Everyone", "Effect": "Allow", "Principal": "*",
             "Action": "kms:Decrypt", "Resource": "*"}
        ]
    });
    let (status, answer) = call(
        &address,
        "PutKeyPolicy",
        &json!({ "KeyId": tidy, "PolicyName": "default", "Policy": public.to_string() }),
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    // B: never used, not rotated, and granted to another account, which may re-grant.
    let neglected = create("neglected");
    let grant = json!({
        "KeyId": neglected,
        "GranteePrincipal": "arn:aws:iam::111122223333:role/partner",
        "Operations": ["Decrypt", "CreateGrant"],
    });
    let (status, answer) = call(&address, "CreateGrant", &grant).unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        post_admin(&address, "/kmsim/clock", &json!({ "AdvanceSeconds": 100 * 86_400 })),
        200
    );
    let encrypt = json!({ "KeyId": tidy, "Plaintext": BASE64.encode(b"in use") });
    assert_eq!(call(&address, "Encrypt", &encrypt).unwrap().0, 200);

    let output = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["analyze", "--endpoint", &format!("http://{address}"), "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let analysis: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(analysis["keys_analyzed"], 2, "{analysis}");
    let found: Vec<(String, String)> = analysis["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let key = f["key_arn"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
            (key, f["kind"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = [
        (&tidy, "public-access"),
        (&neglected, "external-grant"),
        (&neglected, "grant-can-regrant"),
        (&neglected, "rotation-disabled"),
        (&neglected, "unused-key"),
    ]
    .iter()
    .map(|(k, kind)| ((*k).clone(), (*kind).to_owned()))
    .collect();
    let mut sorted = found.clone();
    sorted.sort();
    let mut expected_sorted = expected;
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted, "{analysis}");
    // Most urgent first: the public key policy leads.
    assert_eq!(found[0], (tidy, "public-access".to_owned()), "{analysis}");
    let public_finding = &analysis["findings"][0];
    assert!(public_finding["location"].as_str().unwrap().contains("Everyone"), "{analysis}");

    // The readable table names each finding and its fix.
    let table = Command::new(env!("CARGO_BIN_EXE_kmsim"))
        .args(["analyze", "--endpoint", &format!("http://{address}")])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.starts_with("2 keys analyzed"), "{table}");
    assert!(table.contains("external-grant") && table.contains("fix: "), "{table}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn kmsim_load_and_analyze_sign_with_the_environment_s_credentials() {
    let dir = std::env::temp_dir().join(format!("kmsim-signed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let credentials = dir.join("credentials");
    std::fs::write(&credentials, "AKIDKMSIMCLIENT client/secret+key 111122223333\n").unwrap();
    let (mut server, line) =
        serve_with(&["--sigv4", "strict", "--credentials", credentials.to_str().unwrap()]);
    let endpoint = format!("http://{}", address_of(&line));
    let kmsim = |secret: Option<&str>, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kmsim"));
        command.args(args).env_remove("AWS_SESSION_TOKEN");
        match secret {
            Some(secret) => command
                .env("AWS_ACCESS_KEY_ID", "AKIDKMSIMCLIENT")
                .env("AWS_SECRET_ACCESS_KEY", secret),
            None => command.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY"),
        };
        command.output().unwrap()
    };
    let load_args = ["load", "--endpoint", &endpoint, "--duration-s", "0.2", "--warmup-s", "0"];
    let load_args = [&load_args[..], &["--connections", "2", "--json"]].concat();

    // Signed: the strict server serves them.
    let signed = kmsim(Some("client/secret+key"), &load_args);
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let report: Value = serde_json::from_slice(&signed.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["operations"].as_u64().unwrap() > 0, "{report}");
    let analysis =
        kmsim(Some("client/secret+key"), &["analyze", "--endpoint", &endpoint, "--json"]);
    assert!(analysis.status.success(), "{}", String::from_utf8_lossy(&analysis.stderr));
    let analysis: Value = serde_json::from_slice(&analysis.stdout).unwrap();
    assert_eq!(analysis["keys_analyzed"], 1, "{analysis}");

    // A wrong secret, or none: AWS's refusal, named.
    let wrong = kmsim(Some("not-the-secret"), &["analyze", "--endpoint", &endpoint]);
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("InvalidSignatureException"), "{stderr}");
    let unsigned = kmsim(None, &["analyze", "--endpoint", &endpoint]);
    assert!(!unsigned.status.success());
    let stderr = String::from_utf8_lossy(&unsigned.stderr);
    assert!(stderr.contains("SignatureException"), "{stderr}");
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Encrypt with `body`, signed (unchecked) with the access key AKIDPARTNER.
fn partner_encrypt(address: &str, body: &Value) -> (u16, Value) {
    let headers = "X-Amz-Target: TrentService.Encrypt\r\n\
         Content-Type: application/x-amz-json-1.1\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIDPARTNER/20261130/us-east-1/kms/aws4_request, \
         SignedHeaders=host, Signature=00\r\n";
    exchange(address, "POST", "/", headers, &body.to_string()).unwrap()
}

/// `kmsim serve --grant-propagation-ms`: a new grant allows its grantee only once the delay
/// has passed on the server's clock, or at once when its token is presented.
#[test]
fn kmsim_serve_delays_grants_by_its_propagation_flag() {
    let (mut child, line) = serve_with(&[
        "--grant-propagation-ms",
        "60000",
        "--access-key",
        "AKIDPARTNER=444455556666",
    ]);
    let address = &address_of(&line);
    let (_, key) = call(address, "CreateKey", &json!({})).unwrap();
    let key_arn = key["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    let grant = json!({
        "KeyId": key_arn,
        "GranteePrincipal": "arn:aws:iam::444455556666:root",
        "Operations": ["Encrypt"],
    });
    let (status, granted) = call(address, "CreateGrant", &grant).unwrap();
    assert_eq!(status, 200, "{granted}");
    let token = granted["GrantToken"].as_str().unwrap().to_owned();

    // The partner account: its access key, and no key policy statement naming it.
    let partner = |body: &Value| partner_encrypt(address, body);
    let encrypt = json!({ "KeyId": key_arn, "Plaintext": BASE64.encode(b"x") });
    let (status, early) = partner(&encrypt);
    assert_eq!((status, early["__type"].as_str()), (400, Some("AccessDeniedException")), "{early}");
    let with_token =
        json!({ "KeyId": key_arn, "Plaintext": BASE64.encode(b"x"), "GrantTokens": [token] });
    let (status, answer) = partner(&with_token);
    assert_eq!(status, 200, "the token is usable at once: {answer}");

    assert_eq!(post_admin(address, "/kmsim/clock", &json!({ "AdvanceSeconds": 59 })), 200);
    assert_eq!(partner(&encrypt).0, 400, "59 s after CreateGrant");
    assert_eq!(post_admin(address, "/kmsim/clock", &json!({ "AdvanceSeconds": 2 })), 200);
    let (status, answer) = partner(&encrypt);
    assert_eq!(status, 200, "61 s after CreateGrant: {answer}");
    child.kill().unwrap();
    child.wait().unwrap();

    // Without the flag a grant takes effect at once.
    let (mut child, line) = serve_with(&["--access-key", "AKIDPARTNER=444455556666"]);
    let address = &address_of(&line);
    let (_, key) = call(address, "CreateKey", &json!({})).unwrap();
    let key_arn = key["KeyMetadata"]["Arn"].as_str().unwrap().to_owned();
    let grant = json!({
        "KeyId": key_arn,
        "GranteePrincipal": "arn:aws:iam::444455556666:root",
        "Operations": ["Encrypt"],
    });
    assert_eq!(call(address, "CreateGrant", &grant).unwrap().0, 200);
    let encrypt = json!({ "KeyId": key_arn, "Plaintext": BASE64.encode(b"x") });
    assert_eq!(partner_encrypt(address, &encrypt).0, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
