//! Package URLs: whatever parses has a canonical form that parses to the same purl
//! and prints the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use purl::Purl;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for parsed in [Purl::parse(text), Purl::parse_lenient(text)] {
        let Ok(purl) = parsed else {
            continue;
        };
        let canonical = purl.to_string();
        let again = Purl::parse(&canonical)
            .unwrap_or_else(|e| panic!("canonical {canonical:?} does not parse: {e}"));
        assert_eq!(again, purl, "{canonical:?}");
        assert_eq!(again.to_string(), canonical);
    }
});
