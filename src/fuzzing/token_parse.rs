//! The `token_parse` target: the grant parser accepts exactly the grammar, and minted tokens
//! check only for what they were minted for.

use std::sync::LazyLock;

use super::grants::{Draw, HARNESS, in_grant_grammar};
use crate::digest::Digest;
use crate::token::grant::{Action, GrantProblem, GrantToken, MAX_EXPIRES};
use crate::token::key::Key;

const ACTION_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";

/// Two properties of grant tokens.
///
/// 1. The input as a string (inputs that are not UTF-8 are skipped): [`GrantToken::parse`] never
///    panics and accepts it exactly when it matches the grammar of SPEC 4 (checked with an
///    independent regex, anchored, so surrounding whitespace is refused too).
/// 2. With the harness key, a token minted for an action, a packet digest and an expiry drawn
///    from the input is in the grammar, parses, and checks for that action, digest and a time
///    before its expiry; not at its expiry, not for another action, packet or key; and with the
///    byte at a position drawn from the input replaced by another byte drawn from it, it no
///    longer checks.
pub fn token_parse(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let accepted = GrantToken::parse(s).is_ok();
        let grammar = in_grant_grammar(s);
        assert!(
            !accepted || grammar,
            "GrantToken::parse accepted a string outside the grant grammar"
        );
        assert!(
            accepted || !grammar,
            "GrantToken::parse refused a string in the grant grammar"
        );
        assert!(
            !accepted || s.trim() == s,
            "GrantToken::parse accepted a token with surrounding whitespace"
        );
    }
    minted_tokens(data);
}

/// Another key than the harness's, made once.
static OTHER_KEY: LazyLock<Key> =
    LazyLock::new(|| Key::from_bytes(vec![0x43; 32]).expect("a 32-byte key is accepted"));

/// What a changed byte of a token becomes: a byte the grammar allows somewhere in a token (so the
/// change usually still parses and reaches the MAC check), or any byte.
const TOKEN_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

fn minted_tokens(data: &[u8]) {
    let key = &*HARNESS;
    let hash = Digest::of(data);
    let digest = hash.to_hex();
    let mut draw = Draw::from_digest(&hash);
    let action: String = (0..1 + draw.below(32))
        .map(|_| char::from(ACTION_CHARS[draw.below(ACTION_CHARS.len())]))
        .collect();
    let typed = Action::parse(&action)
        .unwrap_or_else(|| panic!("an action drawn from [a-z0-9-]{{1,32}} is refused"));
    let expires = match draw.below(4) {
        0 => 1,
        1 => MAX_EXPIRES,
        2 => 1 + draw.below(1000) as u64,
        _ => 1 + draw.next() % MAX_EXPIRES,
    };
    let now = expires - 1 - (draw.next() % expires.min(1000));

    assert!(
        GrantToken::mint(key, &action, &digest, MAX_EXPIRES + 1).is_none(),
        "mint accepted an expiry of 13 digits"
    );
    let token = GrantToken::mint(key, &action, &digest, expires)
        .unwrap_or_else(|| panic!("mint refused a valid action, digest and expiry"));
    assert!(
        in_grant_grammar(&token),
        "a minted token is outside the grant grammar"
    );
    let parsed =
        GrantToken::parse(&token).unwrap_or_else(|p| panic!("a minted token does not parse: {p}"));
    assert_eq!(
        parsed.action().as_str(),
        action,
        "a minted token names another action"
    );
    assert_eq!(
        parsed.check(key, &typed, &digest, now),
        Ok(()),
        "a minted token does not check before its expiry"
    );
    assert_eq!(
        parsed.check(key, &typed, &digest, expires),
        Err(GrantProblem::Expired),
        "a minted token still checks at its expiry"
    );
    assert_eq!(
        parsed.check(&OTHER_KEY, &typed, &digest, now),
        Err(GrantProblem::Invalid),
        "a minted token checks with another key"
    );
    // Another action in the grammar: one character longer, or (at 32) its last one changed.
    let mut other = action.clone();
    if other.len() < 32 {
        other.push('x');
    } else {
        let last = other.pop().unwrap_or('x');
        other.push(if last == 'x' { 'y' } else { 'x' });
    }
    let other_action =
        Action::parse(&other).unwrap_or_else(|| panic!("another valid action is refused"));
    assert_ne!(
        parsed.check(key, &other_action, &digest, now),
        Ok(()),
        "a minted token checks for another action"
    );
    let mut other_digest = digest.clone().into_bytes();
    let i = draw.below(16);
    other_digest[i] = if other_digest[i] == b'0' { b'1' } else { b'0' };
    let other_digest = String::from_utf8(other_digest).expect("ASCII");
    assert_ne!(
        parsed.check(key, &typed, &other_digest, now),
        Ok(()),
        "a minted token checks for another packet"
    );

    // One byte changed, at a position and to a value drawn from the input: every position and
    // every other byte over a run (each input used to try all 255 values at its position, which
    // cost 255 parses and some 60 MACs an input and held the target near 1,000 inputs a second).
    let at = draw.below(token.len());
    let original = token.as_bytes()[at];
    let replacement = match draw.below(4) {
        0 => original.wrapping_add(1 + draw.below(255) as u8),
        _ => TOKEN_CHARS[draw.below(TOKEN_CHARS.len())],
    };
    if replacement == original {
        return;
    }
    let mut changed = token.into_bytes();
    changed[at] = replacement;
    // A byte that breaks UTF-8 cannot even be handed to the parser.
    if let Ok(changed) = std::str::from_utf8(&changed)
        && let Ok(t) = GrantToken::parse(changed)
    {
        assert_ne!(
            t.check(key, &typed, &digest, now),
            Ok(()),
            "a minted token with one byte changed still checks"
        );
    }
}
