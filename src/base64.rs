//! Base64 (RFC 4648): the standard alphabet with padding for `data:` URLs,
//! the URL-safe one without padding for share links.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alphabet {
    /// `+` and `/`, padded with `=`.
    Standard,
    /// `-` and `_`, unpadded: nothing in it needs escaping in a URL.
    UrlSafe,
}

pub fn encode(bytes: &[u8], alphabet: Alphabet) -> String {
    let (symbols, padded): (&[u8; 64], bool) = match alphabet {
        Alphabet::Standard => (
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            true,
        ),
        Alphabet::UrlSafe => (
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            false,
        ),
    };
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (at, byte)| {
            group | u32::from(*byte) << (16 - 8 * at)
        });
        for at in 0..4 {
            if at <= chunk.len() {
                encoded.push(symbols[(group >> (18 - 6 * at) & 63) as usize] as char);
            } else if padded {
                encoded.push('=');
            }
        }
    }
    encoded
}

/// Reads either alphabet, padded or not, since people pass links through
/// tools that rewrite them; `None` for any other character.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut group, mut bits) = (0u32, 0);
    for character in text.trim_end_matches('=').bytes() {
        let value = match character {
            b'A'..=b'Z' => character - b'A',
            b'a'..=b'z' => character - b'a' + 26,
            b'0'..=b'9' => character - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        group = group << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((group >> bits) as u8);
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_is_padded() {
        let standard = |bytes: &[u8]| encode(bytes, Alphabet::Standard);
        assert_eq!(standard(b""), "");
        assert_eq!(standard(b"f"), "Zg==");
        assert_eq!(standard(b"fo"), "Zm8=");
        assert_eq!(standard(b"foo"), "Zm9v");
        assert_eq!(standard(b"<svg>\xff"), "PHN2Zz7/");
    }

    #[test]
    fn url_safe_round_trips_unpadded() {
        for length in 0..=10 {
            let bytes: Vec<u8> = (0..length).map(|at| (at * 97 + 200) as u8).collect();
            let encoded = encode(&bytes, Alphabet::UrlSafe);
            assert!(!encoded.contains(['+', '/', '=']));
            assert_eq!(decode(&encoded), Some(bytes));
        }
        assert_eq!(encode(b"hi?", Alphabet::UrlSafe), "aGk_");
    }

    #[test]
    fn decoding_takes_either_alphabet() {
        assert_eq!(decode("aGk/"), Some(b"hi?".to_vec()));
        assert_eq!(decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(decode("PHN2Zz7/"), Some(b"<svg>\xff".to_vec()));
        assert_eq!(decode("a b"), None);
    }
}
