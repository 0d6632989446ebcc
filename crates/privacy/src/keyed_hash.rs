//! Keyed hashes find duplicates (the same ID number registered twice in a
//! district) without storing the value: HMAC-SHA256 under the index key over
//! the district and the normalised value, each prefixed by its length. Without
//! the master key the hashes cannot be recomputed from guessed values, which a
//! plain hash of an 18-digit ID number would allow in seconds.
//!
//! Hashes are scoped to a district: the same value in two districts hashes
//! differently, so index rows do not link people across tenants.
//!
//! Crypto-shredding does not reach keyed hashes: whoever erases a person
//! deletes their hash rows too.

use crate::master_key::{KeyBytes, hmac_sha256};
use gongzhi_kernel::DistrictCode;

const LABEL: &[u8] = b"gongzhi/keyed-hash/v1";

/// The form a value is hashed in, so that the same value typed differently
/// hashes the same: full-width ASCII forms (common with Chinese input
/// methods) become ASCII, every whitespace character is dropped, ASCII
/// letters are upper-cased (`x` and `X` check digits of ID numbers).
pub fn normalise(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // U+FF01..=U+FF5E mirror ASCII 0x21..=0x7E.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) fn keyed_hash(index_key: &KeyBytes, district: &DistrictCode, value: &str) -> [u8; 32] {
    let normalised = normalise(value);
    let district = district.as_str().as_bytes();
    let value = normalised.as_bytes();
    // Lengths are u64 so that no input can truncate them.
    let district_len = (district.len() as u64).to_be_bytes();
    let value_len = (value.len() as u64).to_be_bytes();
    hmac_sha256(
        index_key.as_slice(),
        &[LABEL, &district_len, district, &value_len, value],
    )
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|_| unreachable!("test codes are valid"))
    }

    #[test]
    fn normalises_width_space_and_case() {
        assert_eq!(normalise(" 11010519491231002x "), "11010519491231002X");
        assert_eq!(
            normalise("１１０１０５　１９４９１２３１００２ｘ"),
            "11010519491231002X"
        );
        assert_eq!(normalise("138 1234 5678"), "13812345678");
    }

    #[test]
    fn is_stable_and_differs_across_values_districts_and_keys() {
        let key = Zeroizing::new([3u8; 32]);
        let id = "11010519491231002X";
        let here = keyed_hash(&key, &district("110105"), id);
        assert_eq!(
            here,
            keyed_hash(&key, &district("110105"), "11010519491231002x")
        );
        assert_ne!(here, keyed_hash(&key, &district("110106"), id));
        assert_ne!(
            here,
            keyed_hash(&key, &district("110105"), "110105194912310037")
        );
        assert_ne!(
            here,
            keyed_hash(&Zeroizing::new([4u8; 32]), &district("110105"), id)
        );
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
