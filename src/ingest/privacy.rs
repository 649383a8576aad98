//! Privacy on the way in: identifying columns, pseudonymous respondent keys, scrubbed free text.
//!
//! Identity never reaches the store: e-mails and names are dropped (unless the user keeps a
//! column by name), respondents are keyed by a keyed hash of a stable person key under the
//! workspace secret, and e-mail addresses and phone numbers inside comments become `[email]` and
//! `[phone]`.

/// A keyed, one-way pseudonym: the same person key gives the same pseudonym in every round of
/// one workspace, and nothing outside the workspace secret can reverse or recompute it.
pub fn pseudonym(secret: &[u8; 32], person_key: &str) -> String {
    let h = blake3::keyed_hash(secret, person_key.trim().to_lowercase().as_bytes());
    h.to_hex()[..20].to_string()
}

/// True when the text looks like an e-mail address on its own.
pub fn looks_like_email(s: &str) -> bool {
    let t = s.trim();
    match t.split_once('@') {
        Some((a, b)) => {
            !a.is_empty()
                && b.contains('.')
                && !t.contains(char::is_whitespace)
                && !b.starts_with('.')
        }
        None => false,
    }
}

/// True when the text is an IPv4 or IPv6 address.
pub fn looks_like_ip(s: &str) -> bool {
    s.trim().parse::<std::net::IpAddr>().is_ok()
}

/// Replaces e-mail addresses and phone numbers in free text.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A token: maximal run of non-whitespace.
        if !chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            let token: String = chars[start..i].iter().collect();
            let core = token.trim_matches(|c: char| "()<>[],;:.!?\"'".contains(c));
            if looks_like_email(core) {
                out.push_str(&token.replacen(core, "[email]", 1));
            } else {
                out.push_str(&token);
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    scrub_phones(&out)
}

/// A character of a written telephone number: a digit or one of ` -.()+/`.
fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit() || " -.()+/".contains(c)
}

/// Whether a run of [`is_phone_char`]s is a telephone number: 7–15 digits, not a date
/// (`2026-03-01`), and a separator, 10 or more digits or a leading `+` (a bare "1200000" in
/// prose is a number, not a phone).
fn phone_run(run: &str) -> bool {
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let seps = run.chars().count() - digits;
    let is_date = run.matches(['/', '.', '-']).count() >= 2 && digits <= 8 && !run.contains(' ');
    (7..=15).contains(&digits) && !is_date && (seps > 0 || digits >= 10 || run.starts_with('+'))
}

/// True when the text is a telephone number on its own (the rule [`scrub`] uses inside text).
pub fn looks_like_phone(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().all(is_phone_char) && phone_run(t)
}

/// Phone numbers: runs of digits, spaces, dashes, dots, parentheses and a leading `+`, with at
/// least 7 digits, that are not a date or a plain number inside prose (digits only, no separators
/// and fewer than 10 digits are kept: "took 1200000 ms" stays).
fn scrub_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = (c == '+' || c == '(' || c.is_ascii_digit())
            && (i == 0 || !chars[i - 1].is_alphanumeric());
        if starts {
            let mut j = i;
            while j < chars.len() && is_phone_char(chars[j]) {
                j += 1;
            }
            // Trailing separators belong to the prose, not the number.
            while j > i && !chars[j - 1].is_ascii_digit() && chars[j - 1] != ')' {
                j -= 1;
            }
            let run: String = chars[i..j].iter().collect();
            let is_phone = phone_run(&run);
            if is_phone && (j == chars.len() || !chars[j].is_alphanumeric()) {
                out.push_str("[phone]");
                i = j;
                continue;
            }
            out.extend(&chars[i..j.max(i + 1)]);
            i = j.max(i + 1);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_emails_and_phones() {
        assert_eq!(scrub("mail me at jane.doe@acme.com, thanks"), "mail me at [email], thanks");
        assert_eq!(scrub("call +49 30 1234567 or (555) 123-4567."), "call [phone] or [phone].");
        assert_eq!(
            scrub("builds took 1200 s on 2026-03-01 and v1.2.3"),
            "builds took 1200 s on 2026-03-01 and v1.2.3"
        );
        assert_eq!(scrub("<a@b.io>"), "<[email]>");
    }

    #[test]
    fn pseudonyms_are_keyed_and_stable() {
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        assert_eq!(pseudonym(&k1, "Jane@Acme.com"), pseudonym(&k1, " jane@acme.com"));
        assert_ne!(pseudonym(&k1, "jane@acme.com"), pseudonym(&k2, "jane@acme.com"));
        assert_eq!(pseudonym(&k1, "x").len(), 20);
    }

    #[test]
    fn detects_identifiers() {
        assert!(looks_like_email("a.b@c.org"));
        assert!(!looks_like_email("a @ b"));
        assert!(looks_like_ip("130.92.34.66"));
        assert!(looks_like_ip("::1"));
        assert!(!looks_like_ip("1.2.3"));
    }
}
