//! Checksums of a download: the ones the server states (Google Cloud Storage's
//! `x-goog-hash: crc32c=…,md5=…`, the standard `Content-MD5`), checked against the
//! bytes received. (The SHA-256 recorded in the cache metadata is
//! `crate::cache`'s.)

use base64::Engine as _;
use md5::Digest as _;

use crate::cache::hex;

/// Checksums a server stated for a body.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Stated {
    /// MD5 of the body.
    pub(super) md5: Option<[u8; 16]>,
    /// CRC32C (Castagnoli) of the body.
    pub(super) crc32c: Option<u32>,
}

/// A stated checksum that is malformed or does not match the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChecksumError {
    /// An `x-goog-hash` item without `=`.
    #[error("x-goog-hash: `{item}` is not NAME=VALUE")]
    NotNameValue {
        /// The item.
        item: String,
    },
    /// A value that is not the base64 of a checksum of the right size.
    #[error("{header}: `{value}` is not {bytes} bytes in base64")]
    Malformed {
        /// `x-goog-hash md5`, `x-goog-hash crc32c` or `Content-MD5`.
        header: &'static str,
        /// The value as sent.
        value: String,
        /// The checksum's size.
        bytes: usize,
    },
    /// `Content-MD5` and `x-goog-hash` disagree.
    #[error("Content-MD5 and x-goog-hash state different MD5 sums")]
    Md5Conflict,
    /// The body's checksum is not the one stated.
    #[error("the body's {sum} is {actual}, the server stated {stated}")]
    Mismatch {
        /// `MD5` or `CRC32C`.
        sum: &'static str,
        /// The body's, in hex.
        actual: String,
        /// The server's, in hex.
        stated: String,
    },
}

impl Stated {
    /// Reads the values of every `x-goog-hash` header and of `Content-MD5`. Hash names
    /// other than md5 and crc32c are ignored; a malformed value of a known one is an
    /// error (the header cannot vouch for the body then).
    pub(super) fn from_headers(
        goog_hash: &[&str],
        content_md5: Option<&str>,
    ) -> Result<Self, ChecksumError> {
        let mut stated = Stated::default();
        let pairs = goog_hash
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty());
        for item in pairs {
            let Some((name, value)) = item.split_once('=') else {
                return Err(ChecksumError::NotNameValue {
                    item: item.to_owned(),
                });
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "md5" => stated.md5 = Some(decode::<16>("x-goog-hash md5", value)?),
                "crc32c" => {
                    stated.crc32c = Some(u32::from_be_bytes(decode::<4>(
                        "x-goog-hash crc32c",
                        value,
                    )?));
                }
                _ => {}
            }
        }
        if let Some(value) = content_md5 {
            let md5 = decode::<16>("Content-MD5", value)?;
            if stated.md5.is_some_and(|other| other != md5) {
                return Err(ChecksumError::Md5Conflict);
            }
            stated.md5 = Some(md5);
        }
        Ok(stated)
    }

    /// Whether the server stated any checksum at all.
    pub(super) fn is_empty(&self) -> bool {
        self.md5.is_none() && self.crc32c.is_none()
    }

    /// Checks `body` against every stated checksum; the error says which one failed.
    pub(super) fn check(&self, body: &[u8]) -> Result<(), ChecksumError> {
        if let Some(expected) = self.md5 {
            let actual: [u8; 16] = md5::Md5::digest(body).into();
            if actual != expected {
                return Err(ChecksumError::Mismatch {
                    sum: "MD5",
                    actual: hex(&actual),
                    stated: hex(&expected),
                });
            }
        }
        if let Some(expected) = self.crc32c {
            let actual = crc32c(body);
            if actual != expected {
                return Err(ChecksumError::Mismatch {
                    sum: "CRC32C",
                    actual: format!("{actual:08x}"),
                    stated: format!("{expected:08x}"),
                });
            }
        }
        Ok(())
    }
}

fn decode<const N: usize>(header: &'static str, value: &str) -> Result<[u8; N], ChecksumError> {
    base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or_else(|| ChecksumError::Malformed {
            header,
            value: value.to_owned(),
            bytes: N,
        })
}

/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Google Cloud
/// Storage gives for every object (composite ones have no MD5).
fn crc32c(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut crc = i as u32;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0x82F6_3B78
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            table[i] = crc;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, &byte| {
        TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn crc32c_matches_the_standard_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn reads_the_google_cloud_storage_header_and_checks_both_sums() {
        // The two sums of "hello\n", as `gsutil hash` prints them.
        let stated =
            Stated::from_headers(&["crc32c=NT3Yvg==", "md5=sZRqySSS0jR8YjW00mERhA=="], None)
                .unwrap();
        assert_eq!(stated.crc32c, Some(crc32c(b"hello\n")));
        assert_eq!(stated.check(b"hello\n"), Ok(()));
        let err = stated.check(b"hello!").unwrap_err().to_string();
        assert!(err.starts_with("the body's MD5 is "), "{err}");
        let one_header =
            Stated::from_headers(&["crc32c=NT3Yvg==,md5=sZRqySSS0jR8YjW00mERhA=="], None);
        assert_eq!(one_header, Ok(stated));
    }

    #[test]
    fn content_md5_alone_is_checked_and_unknown_hashes_are_ignored() {
        let stated =
            Stated::from_headers(&["sha512=whatever"], Some("sZRqySSS0jR8YjW00mERhA==")).unwrap();
        assert!(stated.crc32c.is_none());
        assert_eq!(stated.check(b"hello\n"), Ok(()));
        assert!(Stated::from_headers(&[], None).unwrap().is_empty());
    }

    #[test]
    fn malformed_values_are_errors_naming_the_header() {
        let err = Stated::from_headers(&["md5=not base64"], None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x-goog-hash md5: "), "{err}");
        let err = Stated::from_headers(&["crc32c=sZRqySSS0jR8YjW00mERhA=="], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not 4 bytes"), "{err}");
        let err = Stated::from_headers(&["md5"], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not NAME=VALUE"), "{err}");
    }

    proptest! {
        #[test]
        fn any_header_text_parses_or_is_refused_without_panicking(
            goog in proptest::collection::vec(".{0,40}", 0..3),
            md5 in proptest::option::of(".{0,30}"),
        ) {
            let goog: Vec<&str> = goog.iter().map(String::as_str).collect();
            if let Ok(stated) = Stated::from_headers(&goog, md5.as_deref()) {
                let _ = stated.check(b"body");
            }
        }
    }
}
