//! Wildcard patterns (`*` any run of characters, `?` one character), compiled once when a
//! policy is parsed and matched without allocating.
//!
//! Most patterns in real policies are `*`, an exact string, or a prefix such as `kms:Get*`;
//! those get their own variants so the common cases are one comparison. Everything else is
//! a token list matched by the classic iterative algorithm that remembers the last `*`
//! (linear in practice, `O(n·m)` at worst, no recursion).

/// How a pattern's literal characters compare with the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Byte for byte (condition values, ARNs).
    Exact,
    /// ASCII letters ignore case (action names, which are ASCII).
    Ascii,
}

/// What `${…}` means in a value: policy variables exist only in version 2012-10-17.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variables {
    /// Version 2008-10-17 (or no version): `${` is two ordinary characters.
    Literal,
    /// Version 2012-10-17: `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`;
    /// any other `${…}` is a policy variable, which this module does not support, so the
    /// policy is refused rather than matched against the wrong text.
    Reject,
}

/// One element of a glob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Char(char),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `*`.
    Any,
    /// No wildcard (ASCII-lower-cased when folding).
    Exact(Box<str>),
    /// Literal text then one trailing `*` (ASCII-lower-cased when folding).
    Prefix(Box<str>),
    /// Anything else.
    Glob(Box<[Token]>),
}

/// Splits `text` into tokens: wildcards (when `wildcards` is set), and characters, with the
/// `${*}`/`${?}`/`${$}` escapes resolved under [`Variables::Reject`].
///
/// # Errors
/// A policy variable under [`Variables::Reject`]: the message names it.
pub(crate) fn tokenize(
    text: &str,
    wildcards: bool,
    variables: Variables,
) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '$' && variables == Variables::Reject && rest.starts_with("${") {
            let escaped = match rest.get(..4) {
                Some("${*}") => Some('*'),
                Some("${?}") => Some('?'),
                Some("${$}") => Some('$'),
                _ => None,
            };
            if let Some(literal) = escaped {
                tokens.push(Token::Char(literal));
                rest = &rest[4..];
                continue;
            }
            let variable = rest.find('}').map_or(rest, |end| &rest[..=end]);
            return Err(format!(
                "policy variables such as {variable} are not supported (in version 2012-10-17 \
                 a literal \"${{\" is written \"${{$}}{{\")"
            ));
        }
        tokens.push(match c {
            '*' if wildcards => Token::Star,
            '?' if wildcards => Token::One,
            _ => Token::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Ok(tokens)
}

/// The literal text of `text` with escapes resolved, for values compared without
/// wildcards.
///
/// # Errors
/// As [`tokenize`].
pub(crate) fn literal(text: &str, variables: Variables) -> Result<String, String> {
    Ok(tokenize(text, false, variables)?
        .into_iter()
        .map(|t| match t {
            Token::Char(c) => c,
            // Unreachable: wildcards are off, so every token is a character.
            Token::Star => '*',
            Token::One => '?',
        })
        .collect())
}

impl Pattern {
    /// Compiles `text`.
    ///
    /// # Errors
    /// As [`tokenize`].
    pub(crate) fn compile(text: &str, fold: Fold, variables: Variables) -> Result<Self, String> {
        let mut tokens = tokenize(text, true, variables)?;
        if fold == Fold::Ascii {
            for token in &mut tokens {
                if let Token::Char(c) = token {
                    *c = c.to_ascii_lowercase();
                }
            }
        }
        Ok(Self::from_tokens(&tokens))
    }

    fn from_tokens(tokens: &[Token]) -> Self {
        let chars = |ts: &[Token]| -> Option<Box<str>> {
            ts.iter().map(|t| if let Token::Char(c) = t { Some(*c) } else { None }).collect()
        };
        match tokens {
            [Token::Star] => Self::Any,
            [head @ .., Token::Star] => match chars(head) {
                Some(prefix) => Self::Prefix(prefix),
                None => Self::Glob(tokens.into()),
            },
            _ => chars(tokens).map_or_else(|| Self::Glob(tokens.into()), Self::Exact),
        }
    }

    /// Whether the whole of `text` matches.
    pub(crate) fn matches(&self, text: &str, fold: Fold) -> bool {
        match self {
            Self::Any => true,
            Self::Exact(exact) => match fold {
                Fold::Exact => text == &**exact,
                Fold::Ascii => text.eq_ignore_ascii_case(exact),
            },
            Self::Prefix(prefix) => {
                let head = text.as_bytes().get(..prefix.len());
                match fold {
                    Fold::Exact => head == Some(prefix.as_bytes()),
                    Fold::Ascii => head.is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes())),
                }
            }
            Self::Glob(tokens) => glob(tokens, text, fold),
        }
    }
}

/// Iterative wildcard matching: on a mismatch, retry from the last `*`, which now swallows
/// one more character. `*` and `?` always consume whole characters, never part of one.
fn glob(tokens: &[Token], text: &str, fold: Fold) -> bool {
    let same = |p: char, c: char| match fold {
        Fold::Exact => p == c,
        // `p` was lower-cased at compile time.
        Fold::Ascii => p == c.to_ascii_lowercase(),
    };
    let mut t = 0; // next token
    let mut i = 0; // next byte of `text`
    // After the last `*` seen: (the token after it, where in `text` it resumes).
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = text[i..].chars().next() {
        match tokens.get(t) {
            Some(Token::Char(p)) if same(*p, c) => {
                t += 1;
                i += c.len_utf8();
                continue;
            }
            Some(Token::One) => {
                t += 1;
                i += c.len_utf8();
                continue;
            }
            Some(Token::Star) => {
                t += 1;
                star = Some((t, i));
                continue;
            }
            _ => {}
        }
        let Some((after_star, resume)) = star else { return false };
        // The `*` takes one more character; try the rest from just past it.
        let swallowed = text[resume..].chars().next().map_or(0, char::len_utf8);
        star = Some((after_star, resume + swallowed));
        t = after_star;
        i = resume + swallowed;
    }
    tokens[t..].iter().all(|token| *token == Token::Star)
}

/// An ARN pattern: the six colon-separated parts of an ARN (`arn`, partition, service,
/// Region, account, resource) matched part by part, as IAM's ARN operators and the
/// `Resource` element do. A `*` in the Region part therefore cannot swallow the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArnPattern {
    /// A value that is not a six-part ARN (e.g. `*`): matched against the whole text.
    Whole(Pattern),
    /// One pattern per part; the last part is everything after the fifth colon.
    Parts(Box<[Pattern; 6]>),
}

impl ArnPattern {
    /// Compiles `text` (case-sensitive, as ARNs are).
    ///
    /// # Errors
    /// As [`tokenize`].
    pub(crate) fn compile(text: &str, variables: Variables) -> Result<Self, String> {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let Ok(parts) = <[&str; 6]>::try_from(parts) else {
            return Ok(Self::Whole(Pattern::compile(text, Fold::Exact, variables)?));
        };
        let mut compiled = Vec::with_capacity(6);
        for part in parts {
            compiled.push(Pattern::compile(part, Fold::Exact, variables)?);
        }
        let parts: Box<[Pattern; 6]> =
            compiled.into_boxed_slice().try_into().map_err(|_| "ARN has six parts".to_owned())?;
        Ok(Self::Parts(parts))
    }

    /// Whether `text` matches; a text with fewer than six parts never matches [`Self::Parts`].
    pub(crate) fn matches(&self, text: &str) -> bool {
        match self {
            Self::Whole(pattern) => pattern.matches(text, Fold::Exact),
            Self::Parts(parts) => {
                let mut segments = text.splitn(6, ':');
                parts.iter().all(|part| {
                    segments.next().is_some_and(|segment| part.matches(segment, Fold::Exact))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::compile(pattern, Fold::Exact, Variables::Literal)
            .unwrap()
            .matches(text, Fold::Exact)
    }

    #[test]
    fn compiles_to_the_cheapest_form() {
        let c = |p| Pattern::compile(p, Fold::Ascii, Variables::Literal).unwrap();
        assert_eq!(c("*"), Pattern::Any);
        assert_eq!(c("kms:Encrypt"), Pattern::Exact("kms:encrypt".into()));
        assert_eq!(c("kms:Get*"), Pattern::Prefix("kms:get".into()));
        assert!(matches!(c("kms:*Key*"), Pattern::Glob(_)));
        assert!(matches!(c("kms:?et*"), Pattern::Glob(_)));
    }

    #[test]
    fn wildcards() {
        let table = [
            ("*", "", true),
            ("*", "anything", true),
            ("a*", "a", true),
            ("a*", "ba", false),
            ("*a", "ba", true),
            ("*a", "ab", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "abbc", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*ab*ab*", "xxabyyab", true),
            ("*ab*ab*", "xxabyya", false),
            ("a**b", "ab", true),
            ("?", "é", true),
            ("??", "é", false),
            ("*é?", "xxéz", true),
            ("exact", "exact", true),
            ("exact", "Exact", false),
            ("", "", true),
            ("", "x", false),
        ];
        for (pattern, text, expected) in table {
            assert_eq!(matches(pattern, text), expected, "{pattern:?} vs {text:?}");
        }
    }

    #[test]
    fn ascii_folding() {
        let p = Pattern::compile("KMS:gEt*", Fold::Ascii, Variables::Literal).unwrap();
        assert!(p.matches("kms:GetKeyPolicy", Fold::Ascii));
        assert!(!p.matches("kms:Encrypt", Fold::Ascii));
        let g = Pattern::compile("kms:*KEY?", Fold::Ascii, Variables::Literal).unwrap();
        assert!(g.matches("kms:DescribeKeys", Fold::Ascii));
        assert!(!g.matches("kms:DescribeKey", Fold::Ascii));
    }

    #[test]
    fn variables() {
        assert_eq!(literal("a${*}b${?}${$}", Variables::Reject).unwrap(), "a*b?$");
        assert_eq!(literal("a${*}b", Variables::Literal).unwrap(), "a${*}b");
        let e = literal("home/${aws:username}/x", Variables::Reject).unwrap_err();
        assert!(e.contains("${aws:username}"), "{e}");
        // An escaped star is a literal star, not a wildcard.
        let p = Pattern::compile("a${*}", Fold::Exact, Variables::Reject).unwrap();
        assert!(p.matches("a*", Fold::Exact));
        assert!(!p.matches("ab", Fold::Exact));
    }

    #[test]
    fn arns_match_part_by_part() {
        let arn = |p| ArnPattern::compile(p, Variables::Literal).unwrap();
        let p = arn("arn:aws:someservice:*:111122223333:finance/*");
        assert!(p.matches("arn:aws:someservice:us-east-2:111122223333:finance/doc.txt"));
        // IAM's own example: the Region `*` cannot swallow the colons after it.
        assert!(!p.matches(
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
        assert!(matches(
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
        let key = arn("arn:aws:kms:*:111122223333:key/*");
        assert!(key.matches(
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ));
        assert!(!key.matches("arn:aws:kms:us-east-1:444455556666:key/1234"));
        assert!(!key.matches("not-an-arn"));
        assert!(arn("*").matches("arn:aws:kms:us-east-1:111122223333:key/x"));
        assert!(arn("*").matches("*"));
        // The resource part keeps its colons.
        assert!(
            arn("arn:aws:logs:us-east-1:1:log-group:*")
                .matches("arn:aws:logs:us-east-1:1:log-group:a:b")
        );
    }
}
