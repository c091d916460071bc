//! Bitstring Status List: encoding, decoding and the list credential.

mod common;

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use leerweek_credential::{
    STATUS_LIST_LENGTH, StatusListError, decode_list, encoded_list, is_set, status_list_credential, verify_vc_jwt,
};
use proptest::prelude::*;

use common::{LIST_URL, issued_at, issuer, key};

// The encodedList of the example BitstringStatusListCredential in W3C
// Bitstring Status List v1.0 §2.2: a list of 131,072 entries, none set.
const SPEC_EXAMPLE: &str = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

#[test]
fn bits_0_7_8_and_131071_read_back_and_no_others() {
    let revoked = [0, 7, 8, 131_071];
    let encoded = encoded_list(&revoked, STATUS_LIST_LENGTH).unwrap();
    assert!(encoded.starts_with('u'));
    for index in [0, 1, 6, 7, 8, 9, 15, 16, 94_567, 131_070, 131_071] {
        assert_eq!(is_set(&encoded, index).unwrap(), revoked.contains(&index), "index {index}");
    }
    let bits = decode_list(&encoded).unwrap();
    assert_eq!(bits.len() * 8, 131_072);
    assert!(bits.len() >= 16 * 1024);
    // Most significant bit first: index 0 is 0x80 of byte 0, 7 is 0x01 of
    // byte 0, 8 is 0x80 of byte 1, 131071 is 0x01 of the last byte.
    assert_eq!(bits[0], 0b1000_0001);
    assert_eq!(bits[1], 0b1000_0000);
    assert_eq!(bits[bits.len() - 1], 0b0000_0001);
    assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 4);
}

#[test]
fn the_specifications_example_decodes_to_an_empty_list_of_the_minimum_length() {
    let bits = decode_list(SPEC_EXAMPLE).unwrap();
    assert_eq!(bits.len() * 8, STATUS_LIST_LENGTH as usize);
    assert!(bits.iter().all(|&b| b == 0));
    assert!(!is_set(SPEC_EXAMPLE, 94_567).unwrap());
    // Our own empty list says the same, though its GZIP bytes need not be
    // those of the example (any GZIP compressor's output is valid).
    let ours = encoded_list(&[], STATUS_LIST_LENGTH).unwrap();
    assert_eq!(decode_list(&ours).unwrap(), bits);
}

#[test]
fn lists_below_the_minimum_or_out_of_range_indexes_are_refused() {
    assert_eq!(encoded_list(&[], 1024), Err(StatusListError::Length(1024)));
    assert_eq!(
        encoded_list(&[], STATUS_LIST_LENGTH + 3),
        Err(StatusListError::Length(u64::from(STATUS_LIST_LENGTH) + 3))
    );
    assert_eq!(
        encoded_list(&[STATUS_LIST_LENGTH], STATUS_LIST_LENGTH),
        Err(StatusListError::Range { index: 131_072, length: 131_072 })
    );
    let encoded = encoded_list(&[], STATUS_LIST_LENGTH).unwrap();
    assert!(matches!(is_set(&encoded, STATUS_LIST_LENGTH), Err(StatusListError::Range { .. })));

    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&[0u8; 1024]).unwrap();
    let short = format!("u{}", URL_SAFE_NO_PAD.encode(gzip.finish().unwrap()));
    assert_eq!(decode_list(&short), Err(StatusListError::Length(8192)));
}

#[test]
fn encodings_other_than_multibase_base64url_gzip_are_refused() {
    let encoded = encoded_list(&[3], STATUS_LIST_LENGTH).unwrap();
    let without_prefix = &encoded[1..];
    assert!(matches!(decode_list(without_prefix), Err(StatusListError::Encoding(_))));
    let padded = format!("{encoded}==");
    assert!(matches!(decode_list(&padded), Err(StatusListError::Encoding(_))));
    let not_gzip = format!("u{}", URL_SAFE_NO_PAD.encode([0u8; 64]));
    assert!(matches!(decode_list(&not_gzip), Err(StatusListError::Encoding(_))));
    // 64 MiB of zeros compresses to ~64 KiB; it must not be inflated whole.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        gzip.write_all(&zeros).unwrap();
    }
    let bomb = format!("u{}", URL_SAFE_NO_PAD.encode(gzip.finish().unwrap()));
    assert!(matches!(decode_list(&bomb), Err(StatusListError::Encoding(_))));
}

#[test]
fn the_status_list_credential_is_a_signed_bitstring_status_list() {
    let jwt = status_list_credential(&key(), &issuer(), LIST_URL, &[5, 94_567], issued_at()).unwrap();
    let payload = verify_vc_jwt(&jwt, &key().public_key(), issued_at() + Duration::hours(1)).unwrap();
    assert_eq!(payload["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(payload["type"][1], "BitstringStatusListCredential");
    assert_eq!(payload["id"], LIST_URL);
    assert_eq!(payload["issuer"]["id"], issuer().id);
    assert_eq!(payload["validFrom"], "2026-03-12T16:30:00Z");
    let subject = &payload["credentialSubject"];
    assert_eq!(subject["type"], "BitstringStatusList");
    assert_eq!(subject["statusPurpose"], "revocation");
    assert_eq!(subject["id"], format!("{LIST_URL}#list"));
    assert_eq!(payload["sub"], subject["id"]);
    let encoded = subject["encodedList"].as_str().unwrap();
    assert!(is_set(encoded, 5).unwrap());
    assert!(is_set(encoded, 94_567).unwrap());
    assert!(!is_set(encoded, 94_566).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_index_reads_back_as_set_exactly_when_it_was_set(
        revoked in proptest::collection::vec(0..STATUS_LIST_LENGTH, 0..40),
        probes in proptest::collection::vec(0..STATUS_LIST_LENGTH, 0..40),
        extra_bytes in 0u32..4,
    ) {
        let length = STATUS_LIST_LENGTH + extra_bytes * 8;
        let encoded = encoded_list(&revoked, length).unwrap();
        let bits = decode_list(&encoded).unwrap();
        prop_assert_eq!(bits.len() as u32 * 8, length);
        let mut distinct = revoked.clone();
        distinct.sort_unstable();
        distinct.dedup();
        prop_assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>() as usize, distinct.len());
        for index in revoked.iter().chain(&probes) {
            prop_assert_eq!(is_set(&encoded, *index).unwrap(), revoked.contains(index));
        }
    }
}
