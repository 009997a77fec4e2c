//! Request bodies: the JSON object of an AWS JSON 1.1 request, and typed access to its
//! members with AWS's errors.
//!
//! The body is parsed once into [`Value`]s whose strings borrow from the body wherever
//! JSON allows (no escapes), so a secret member is decoded straight from the caller's
//! buffer into a [`Plaintext`]. A string that had escapes is unescaped by `serde_json` into
//! its scratch buffer, which this crate cannot reach, and copied into an [`OwnedText`] that
//! zeroizes itself; base64 never needs escapes, and the AWS SDKs write none.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use engine::api::{Page, Tag};
use engine::crypto::blob::EncryptionContext;
use engine::spec::{
    CustomKeyStoreType, DataKeyPairSpec, DataKeySpec, EncryptionAlgorithmSpec, ExpirationModel,
    GrantOperation, IncludeKeyMaterial, KeyAgreementAlgorithmSpec, KeySpec, KeyUsage,
    MacAlgorithmSpec, MessageType, OriginType, SigningAlgorithmSpec, WrappingAlgorithm,
    WrappingKeySpec, XksProxyConnectivity,
};
use engine::time::NANOS_PER_SECOND;
use engine::{ErrorKind, KmsError, Plaintext, Timestamp};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::WireError;

/// A JSON object: members by name. A member given twice keeps its last value.
pub(super) type Object<'a> = BTreeMap<Cow<'a, str>, Value<'a>>;

/// A JSON value of a request body; strings borrow from the body where they can.
///
/// No `Debug`: strings may be secrets.
pub(super) enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(Text<'a>),
    /// An array.
    Array(Vec<Self>),
    /// An object.
    Object(Object<'a>),
}

impl Value<'_> {
    /// What kind of JSON value this is, for messages.
    const fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Unsigned(_) | Self::Signed(_) | Self::Float(_) => "a number",
            Self::String(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object(_) => "an object",
        }
    }
}

/// A JSON string: borrowed from the body, or unescaped into a zeroizing copy.
pub(super) enum Text<'a> {
    /// The string as it stands in the body (it had no escapes).
    Borrowed(&'a str),
    /// The unescaped string.
    Owned(OwnedText),
}

impl Text<'_> {
    /// The string.
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(text) => text,
            Self::Owned(text) => &text.0,
        }
    }
}

/// A string copied out of the body, overwritten with zeros when dropped: any string may be
/// a secret, and which ones are is known only once the operation reads its members.
pub(super) struct OwnedText(String);

impl Drop for OwnedText {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Builds [`Value`]s, borrowing strings whenever the deserializer offers them borrowed.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value<'de>, E> {
        Ok(u64::try_from(value).map_or(Value::Signed(value), Value::Unsigned))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value<'de>, E> {
        Ok(Value::Unsigned(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value<'de>, E> {
        Ok(Value::Float(value))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Text::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Text::Owned(OwnedText(value.to_owned()))))
    }

    fn visit_string<E>(self, value: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Text::Owned(OwnedText(value))))
    }

    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value<'de>>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let mut object = Object::new();
        while let Some(MemberName(name)) = map.next_key::<MemberName<'de>>()? {
            let value = map.next_value()?;
            object.insert(name, value);
        }
        Ok(Value::Object(object))
    }
}

/// A member name, borrowed from the body when it has no escapes.
struct MemberName<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for MemberName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(MemberNameVisitor)
    }
}

/// Builds [`MemberName`]s.
struct MemberNameVisitor;

impl<'de> Visitor<'de> for MemberNameVisitor {
    type Value = MemberName<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<MemberName<'de>, E> {
        Ok(MemberName(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<MemberName<'de>, E> {
        Ok(MemberName(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<MemberName<'de>, E> {
        Ok(MemberName(Cow::Owned(value)))
    }
}

/// Parses a request body: a JSON object, or nothing at all (which AWS reads as `{}`).
///
/// # Errors
/// `SerializationException` if the body is not JSON or not an object.
pub(super) fn parse_object(body: &[u8]) -> Result<Object<'_>, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Object::new());
    }
    match serde_json::from_slice::<Value<'_>>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(WireError::serialization(format!(
            "the request body must be a JSON object, not {}",
            other.kind()
        ))),
        // serde_json's messages give a position, never the text: they cannot echo a secret.
        Err(error) => {
            Err(WireError::serialization(format!("the request body is not valid JSON: {error}")))
        }
    }
}

/// The members of one JSON object of a request, read by their AWS (PascalCase) names.
///
/// Each reader answers `Ok(None)` for an absent or `null` member and
/// `SerializationException` for one of the wrong JSON type.
pub(super) struct Members<'v, 'a> {
    object: &'v Object<'a>,
    /// Where the object sits in the body, for serialization messages: `""` at the top,
    /// `"Tags[0]."` inside.
    wire_prefix: String,
    /// The same in AWS's validation messages: `""`, `"tags.1.member."`.
    aws_prefix: String,
}

impl<'v, 'a> Members<'v, 'a> {
    /// The members of the body's top-level object.
    pub(super) const fn top(object: &'v Object<'a>) -> Self {
        Self { object, wire_prefix: String::new(), aws_prefix: String::new() }
    }

    /// The member `name`, unless it is absent or `null` (AWS reads both the same way).
    fn get(&self, name: &str) -> Option<&'v Value<'a>> {
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    /// `name`'s path in the body, as the client wrote it: `Tags[0].TagKey`.
    fn wire_path(&self, name: &str) -> String {
        format!("{}{name}", self.wire_prefix)
    }

    /// `name`'s path as AWS's validation messages write it: `tags.1.member.tagKey`.
    fn aws_path(&self, name: &str) -> String {
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_ascii_lowercase()).into_iter();
        format!("{}{}", self.aws_prefix, first.chain(chars).collect::<String>())
    }

    fn wrong_type(&self, name: &str, expected: &str, found: &Value<'_>) -> WireError {
        WireError::serialization(format!(
            "member '{}' must be {expected}, not {}",
            self.wire_path(name),
            found.kind()
        ))
    }

    /// AWS's `ValidationException` for the members flagged missing in `members`.
    pub(super) fn missing(&self, members: &[(&str, bool)]) -> WireError {
        let errors: Vec<String> = members
            .iter()
            .filter(|(_, missing)| *missing)
            .map(|(name, _)| {
                format!(
                    "Value null at '{}' failed to satisfy constraint: Member must not be null",
                    self.aws_path(name)
                )
            })
            .collect();
        validation_errors(&errors)
    }

    /// Refuses a member AWS defines but the engine does not model: ignoring it would
    /// change what the call means.
    pub(super) fn unsupported(&self, name: &str) -> Result<(), WireError> {
        match self.get(name) {
            None => Ok(()),
            Some(_) => Err(KmsError::new(
                ErrorKind::UnsupportedOperation,
                format!("kmsim does not support the {} parameter", self.wire_path(name)),
            )
            .into()),
        }
    }

    /// A string member.
    pub(super) fn str(&self, name: &str) -> Result<Option<&'v str>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str())),
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    /// A string member, owned.
    pub(super) fn string(&self, name: &str) -> Result<Option<String>, WireError> {
        Ok(self.str(name)?.map(str::to_owned))
    }

    /// A secret string member (a password), copied once, into a [`Plaintext`].
    pub(super) fn secret_string(&self, name: &str) -> Result<Option<Plaintext>, WireError> {
        Ok(self.str(name)?.map(|text| Plaintext::from(text.as_bytes())))
    }

    /// A boolean member.
    pub(super) fn bool(&self, name: &str) -> Result<Option<bool>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(other) => Err(self.wrong_type(name, "a boolean", other)),
        }
    }

    /// An integer member (AWS's integers are 32-bit) whose model minimum is `min`.
    ///
    /// A negative value is AWS's `ValidationException` against `min`, since the engine
    /// takes `u32`s; the engine checks every other range itself.
    pub(super) fn integer(&self, name: &str, min: u32) -> Result<Option<u32>, WireError> {
        let value = match self.get(name) {
            None => return Ok(None),
            Some(Value::Unsigned(value)) => i64::try_from(*value).unwrap_or(i64::MAX),
            Some(Value::Signed(value)) => *value,
            Some(other) => return Err(self.wrong_type(name, "an integer", other)),
        };
        if value < 0 && value >= i64::from(i32::MIN) {
            return Err(validation_errors(&[format!(
                "Value '{value}' at '{}' failed to satisfy constraint: Member must have value greater than or equal to {min}",
                self.aws_path(name)
            )]));
        }
        match u32::try_from(value) {
            Ok(value) if i32::try_from(value).is_ok() => Ok(Some(value)),
            _ => Err(WireError::serialization(format!(
                "member '{}' is out of range for a 32-bit integer",
                self.wire_path(name)
            ))),
        }
    }

    /// A timestamp member: a JSON number of seconds since the Unix epoch.
    pub(super) fn timestamp(&self, name: &str) -> Result<Option<Timestamp>, WireError> {
        let nanos = match self.get(name) {
            None => return Ok(None),
            Some(Value::Unsigned(seconds)) => seconds.checked_mul(NANOS_PER_SECOND),
            Some(Value::Signed(_)) => None,
            Some(Value::Float(seconds)) => float_seconds_to_nanos(*seconds),
            Some(other) => return Err(self.wrong_type(name, "a number of epoch seconds", other)),
        };
        nanos.map(|nanos| Some(Timestamp::from_unix_nanos(nanos))).ok_or_else(|| {
            WireError::serialization(format!(
                "member '{}' is not a timestamp between 1970 and 2554",
                self.wire_path(name)
            ))
        })
    }

    /// A blob member: standard, padded base64.
    pub(super) fn blob(&self, name: &str) -> Result<Option<Vec<u8>>, WireError> {
        let Some(text) = self.str(name)? else { return Ok(None) };
        STANDARD.decode(text).map(Some).map_err(|_| self.not_base64(name))
    }

    /// A secret blob member, decoded straight into a [`Plaintext`].
    pub(super) fn secret_blob(&self, name: &str) -> Result<Option<Plaintext>, WireError> {
        let Some(text) = self.str(name)? else { return Ok(None) };
        decode_secret(text).map(Some).ok_or_else(|| self.not_base64(name))
    }

    fn not_base64(&self, name: &str) -> WireError {
        // No detail from the decoder: it would name a character of the value.
        WireError::serialization(format!("member '{}' is not valid base64", self.wire_path(name)))
    }

    /// A list member.
    pub(super) fn array(&self, name: &str) -> Result<Option<&'v [Value<'a>]>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(self.wrong_type(name, "an array", other)),
        }
    }

    /// A list-of-strings member (`GrantTokens`, `TagKeys`).
    pub(super) fn strings(&self, name: &str) -> Result<Option<Vec<String>>, WireError> {
        let Some(items) = self.array(name)? else { return Ok(None) };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(text) => Ok(text.as_str().to_owned()),
                other => Err(WireError::serialization(format!(
                    "member '{}[{i}]' must be a string, not {}",
                    self.wire_path(name),
                    other.kind()
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A structure member.
    pub(super) fn object(&self, name: &str) -> Result<Option<Self>, WireError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(object)) => Ok(Some(Self {
                object,
                wire_prefix: format!("{}.", self.wire_path(name)),
                aws_prefix: format!("{}.", self.aws_path(name)),
            })),
            Some(other) => Err(self.wrong_type(name, "an object", other)),
        }
    }

    /// A string-to-string map member (`EncryptionContext`).
    pub(super) fn context(&self, name: &str) -> Result<Option<EncryptionContext>, WireError> {
        let Some(map) = self.object(name)? else { return Ok(None) };
        map.object
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => Ok((key.as_ref().to_owned(), text.as_str().to_owned())),
                other => Err(map.wrong_type(key, "a string", other)),
            })
            .collect::<Result<EncryptionContext, _>>()
            .map(Some)
    }

    /// A list-of-`Tag` member: `[{"TagKey": …, "TagValue": …}]`, both required.
    pub(super) fn tags(&self, name: &str) -> Result<Option<Vec<Tag>>, WireError> {
        let Some(items) = self.array(name)? else { return Ok(None) };
        let mut tags = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Value::Object(object) = item else {
                return Err(WireError::serialization(format!(
                    "member '{}[{i}]' must be an object, not {}",
                    self.wire_path(name),
                    item.kind()
                )));
            };
            let entry = Self {
                object,
                wire_prefix: format!("{}[{i}].", self.wire_path(name)),
                // AWS numbers list members from 1.
                aws_prefix: format!("{}.{}.member.", self.aws_path(name), i + 1),
            };
            let tag_key = entry.string("TagKey")?;
            let tag_value = entry.string("TagValue")?;
            require!(entry; tag_key = "TagKey", tag_value = "TagValue");
            tags.push(Tag { tag_key, tag_value });
        }
        Ok(Some(tags))
    }

    /// `Limit` and `Marker`.
    pub(super) fn page(&self) -> Result<Page, WireError> {
        Ok(Page { limit: self.integer("Limit", 1)?, marker: self.string("Marker")? })
    }

    /// An enum member, parsed by the engine.
    ///
    /// The engine's parser decides what is valid; the message is AWS's, naming this member
    /// and echoing the value (enum values are never secret), which the engine's message,
    /// written for any member of the type, does not.
    pub(super) fn aws_enum<T: AwsEnum>(&self, name: &str) -> Result<Option<T>, WireError> {
        let Some(text) = self.str(name)? else { return Ok(None) };
        text.parse::<T>().map(Some).map_err(|_| {
            let set: Vec<&str> = T::all().iter().map(|value| value.wire_name()).collect();
            validation_errors(&[format!(
                "Value '{text}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                self.aws_path(name),
                set.join(", ")
            )])
        })
    }

    /// A list-of-enums member (`Operations`), each parsed by the engine. One value outside
    /// the set fails the whole list, in AWS's words for a list member.
    pub(super) fn aws_enums<T: AwsEnum>(&self, name: &str) -> Result<Option<Vec<T>>, WireError> {
        let Some(texts) = self.strings(name)? else { return Ok(None) };
        match texts.iter().map(|text| text.parse::<T>()).collect::<Result<Vec<T>, _>>() {
            Ok(values) => Ok(Some(values)),
            Err(_) => {
                let set: Vec<&str> = T::all().iter().map(|value| value.wire_name()).collect();
                Err(validation_errors(&[format!(
                    "Value '[{}]' at '{}' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                    texts.join(", "),
                    self.aws_path(name),
                    set.join(", ")
                )]))
            }
        }
    }
}

/// Decodes base64 `text` into a [`Plaintext`] with no other copy of the bytes; `None` if it
/// is not standard, padded base64.
fn decode_secret(text: &str) -> Option<Plaintext> {
    // The estimate is what the decoder needs, so it writes into this one allocation.
    let mut bytes = vec![0u8; base64::decoded_len_estimate(text.len())];
    let decoded = STANDARD.decode_slice(text, &mut bytes);
    if let Ok(len) = decoded {
        bytes.truncate(len);
    }
    // From here the bytes are zeroized on drop (the cut tail too), decoded or not.
    let secret = Plaintext::new(bytes);
    decoded.ok().map(|_| secret)
}

/// Nanoseconds since the epoch of `seconds`, if it is a time a [`Timestamp`] can hold.
fn float_seconds_to_nanos(seconds: f64) -> Option<u64> {
    // u64 nanoseconds end in 2554, 18_446_744_073 seconds after the epoch.
    const END_SECONDS: f64 = 18_446_744_073.0;
    // `contains` is false for NaN too.
    if !(0.0..END_SECONDS).contains(&seconds) {
        return None;
    }
    let whole = seconds.trunc();
    let fraction_nanos = ((seconds - whole) * 1e9).round();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "whole is in 0..END_SECONDS and fraction_nanos in 0..=1e9, both integral"
    )]
    let (whole, fraction_nanos) = (whole as u64, fraction_nanos as u64);
    whole.checked_mul(NANOS_PER_SECOND)?.checked_add(fraction_nanos)
}

/// AWS's `ValidationException` for constraint violations: `1 validation error detected: …`,
/// or `2 validation errors detected: …; …`.
fn validation_errors(errors: &[String]) -> WireError {
    let count = errors.len();
    let noun = if count == 1 { "error" } else { "errors" };
    KmsError::new(
        ErrorKind::Validation,
        format!("{count} validation {noun} detected: {}", errors.join("; ")),
    )
    .into()
}

/// An AWS enum of the engine's: its values and their AWS spellings.
pub(super) trait AwsEnum: FromStr + Copy + 'static {
    /// Every value, in AWS's order.
    fn all() -> &'static [Self];
    /// The AWS spelling.
    fn wire_name(self) -> &'static str;
}

/// Implements [`AwsEnum`] over the engine's `ALL` and `as_str`.
macro_rules! aws_enums {
    ($($ty:ident),+ $(,)?) => {
        $(
            impl AwsEnum for $ty {
                fn all() -> &'static [Self] {
                    Self::ALL
                }

                fn wire_name(self) -> &'static str {
                    self.as_str()
                }
            }
        )+
    };
}

aws_enums!(
    CustomKeyStoreType,
    DataKeyPairSpec,
    DataKeySpec,
    EncryptionAlgorithmSpec,
    ExpirationModel,
    GrantOperation,
    IncludeKeyMaterial,
    KeyAgreementAlgorithmSpec,
    KeySpec,
    KeyUsage,
    MacAlgorithmSpec,
    MessageType,
    OriginType,
    SigningAlgorithmSpec,
    WrappingAlgorithm,
    WrappingKeySpec,
    XksProxyConnectivity,
);

/// Parses a string member with the engine's parser, so a refusal is the engine's AWS
/// exception (a malformed key id is `NotFoundException`, as in AWS).
pub(super) fn parse<T: FromStr<Err = KmsError>>(text: &str) -> Result<T, WireError> {
    text.parse().map_err(WireError::from)
}

/// [`parse`] for an optional member.
pub(super) fn parse_optional<T: FromStr<Err = KmsError>>(
    text: Option<&str>,
) -> Result<Option<T>, WireError> {
    text.map(parse).transpose()
}
