use std::time::{Duration, SystemTime};

use super::*;

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

/// 2026-11-30T08:00:00Z.
const NOV_30_8AM: u64 = 1_796_025_600;

#[test]
fn credentials_files_are_read_line_by_line() {
    let text = "# ACCESS_KEY_ID SECRET ACCOUNT [TOKEN]\n\
                \n\
                AKIDONE   secret/one+A   111122223333   # the app\n\
                \tAKID_TWO secret-two 444455556666 session-token\n";
    let credentials = Credentials::parse(text).unwrap();
    assert_eq!(credentials.len(), 2);
    let accounts: Vec<_> = credentials.accounts().map(|(k, a)| (k, a.to_string())).collect();
    assert_eq!(
        accounts,
        [("AKIDONE", "111122223333".to_owned()), ("AKID_TWO", "444455556666".to_owned())]
    );
    assert!(credentials.entries["AKID_TWO"].session_token.is_some());
    assert!(credentials.entries["AKIDONE"].session_token.is_none());
    assert_eq!(credentials.account("AKIDTHREE"), None);
    assert!(Credentials::parse("# nothing\n").unwrap().is_empty());
}

#[test]
fn credentials_errors_name_the_line_and_never_a_secret() {
    let check = |text: &str, line: usize, message: &str| {
        let error = Credentials::parse(text).unwrap_err();
        assert_eq!(error.line, Some(line), "{error}");
        assert_eq!(error.message, message);
        assert!(!error.to_string().contains("TOPSECRET"), "{error}");
    };
    check(
        "AKID TOPSECRET\n",
        1,
        "expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID [SESSION_TOKEN], got 2 fields",
    );
    check(
        "# header\nAKID TOPSECRET 111122223333 token extra\n",
        2,
        "expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID [SESSION_TOKEN], got 5 fields",
    );
    check("AKID TOPSECRET 1111\n", 1, "the account id must be 12 digits, got '1111'");
    check(
        "AKID TOPSECRET 111122223333\n\nAKID TOPSECRET2 444455556666\n",
        3,
        "access key 'AKID' is already on line 1",
    );
    check(
        "AK/ID TOPSECRET 111122223333\n",
        1,
        "an access key id is ASCII letters, digits, '_' and '-', got 'AK/ID'",
    );
    let error = CredentialsError {
        path: Some("creds.txt".into()),
        line: Some(4),
        message: "bad".to_owned(),
    };
    assert_eq!(error.to_string(), "creds.txt:4: bad");
}

#[test]
fn debug_never_shows_a_secret_or_token() {
    let credentials =
        Credentials::parse("AKIDONE TOPSECRET 111122223333 TOPTOKEN\nAKIDTWO SECRET2 444455556666")
            .unwrap();
    let debug = format!("{credentials:?}");
    assert!(!debug.contains("TOPSECRET") && !debug.contains("TOPTOKEN"), "{debug}");
    assert!(!debug.contains("SECRET2"), "{debug}");
    assert!(debug.contains("AKIDONE") && debug.contains("111122223333"), "{debug}");
    let config = crate::kms::KmsConfig { credentials, ..crate::kms::KmsConfig::new(1) };
    assert!(!format!("{config:?}").contains("TOPSECRET"));
}

#[test]
fn amz_dates_are_iso_8601_basic_format() {
    assert_eq!(parse_amz_date("20261130T080000Z"), Some(at(NOV_30_8AM)));
    assert_eq!(format_amz_date(at(NOV_30_8AM)), "20261130T080000Z");
    assert_eq!(format_amz_date(at(NOV_30_8AM) + Duration::from_millis(999)), "20261130T080000Z");
    for bad in [
        "2026-11-30T08:00:00Z",
        "20261130T080000",
        "20261130 080000Z",
        "20261330T080000Z",
        "20261130T250000Z",
        "2026113OT080000Z",
        "",
    ] {
        assert_eq!(parse_amz_date(bad), None, "{bad}");
    }
}

#[test]
fn skew_is_five_minutes_either_way_in_aws_words() {
    let now = at(NOV_30_8AM);
    assert!(check_skew(now, now).is_ok());
    assert!(check_skew(now - MAX_SKEW, now).is_ok());
    assert!(check_skew(now + MAX_SKEW, now).is_ok());
    let expired = check_skew(now - MAX_SKEW - Duration::from_secs(1), now).unwrap_err();
    assert_eq!(expired.type_name, "InvalidSignatureException");
    assert_eq!(
        expired.message,
        "Signature expired: 20261130T075459Z is now earlier than 20261130T075500Z \
         (20261130T080000Z - 5 min.)"
    );
    let early = check_skew(now + Duration::from_secs(3600), now).unwrap_err();
    assert_eq!(early.type_name, "InvalidSignatureException");
    assert_eq!(
        early.message,
        "Signature not yet current: 20261130T090000Z is still later than 20261130T080500Z \
         (20261130T080000Z + 5 min.)"
    );
}

#[test]
fn authorization_headers_split_into_their_parts() {
    let parsed = Authorization::parse(
        "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/kms/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=abc",
    )
    .unwrap();
    assert_eq!(parsed.algorithm, "AWS4-HMAC-SHA256");
    assert_eq!(parsed.credential, Some("AKID/20261130/us-east-1/kms/aws4_request"));
    assert_eq!(parsed.signed_headers, Some("host;x-amz-date"));
    assert_eq!(parsed.signature, Some("abc"));
    // Commas alone separate the parts too, in any order.
    let compact = Authorization::parse("AWS4-HMAC-SHA256 Signature=abc,Credential=x").unwrap();
    assert_eq!(
        (compact.signature, compact.credential, compact.signed_headers),
        (Some("abc"), Some("x"), None)
    );
    let bare = Authorization::parse("AWS4-HMAC-SHA256").unwrap();
    assert_eq!((bare.credential, bare.signature), (None, None));
    let broken = Authorization::parse("AWS4-HMAC-SHA256 Credential").unwrap_err();
    assert_eq!(broken.type_name, "IncompleteSignatureException");
    assert_eq!(
        broken.message,
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: \
         'AWS4-HMAC-SHA256 Credential'."
    );
}

#[test]
fn modes_parse_from_the_command_line_spelling() {
    assert_eq!("off".parse::<Mode>(), Ok(Mode::Off));
    assert_eq!("strict".parse::<Mode>(), Ok(Mode::Strict));
    assert_eq!(Mode::Strict.as_str(), "strict");
    assert!("lenient".parse::<Mode>().unwrap_err().contains("off or strict"));
    assert_eq!(Mode::default(), Mode::Off);
}
