//! Evidence uploads: what is accepted, and every refusal with its reason.

use tanji_supplier::evidence_file::{EvidenceFileProblem, EvidenceMediaType, MAX_EVIDENCE_BYTES, check_evidence_file};

fn check(file_name: &str, bytes: &[u8], expect: Result<EvidenceMediaType, &str>) {
    let result = check_evidence_file(file_name, bytes);
    match (result, expect) {
        (Ok(checked), Ok(media_type)) => {
            assert_eq!(checked.media_type, media_type, "{file_name}");
            assert_eq!(checked.size_bytes, bytes.len() as u64);
        }
        (Err(problem), Err(code)) => {
            let json = serde_json::to_value(&problem).unwrap();
            assert_eq!(json["code"], code, "{file_name}: {problem:?}");
        }
        (got, want) => panic!("{file_name}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn accepted_types_are_sniffed_from_the_bytes() {
    check("certificate.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", Ok(EvidenceMediaType::Pdf));
    check("bill.PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Ok(EvidenceMediaType::Png));
    check("scan.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16], Ok(EvidenceMediaType::Jpeg));
    check("readings.csv", "月份,电量 kWh\n2025-01,1200\n".as_bytes(), Ok(EvidenceMediaType::Text));
}

#[test]
fn wrong_types_and_disguised_files_are_refused() {
    check("tool.pdf", b"MZ\x90\0\x03\0\0\0", Err("type_not_accepted"));
    check("archive.pdf", b"PK\x03\x04\x14\0", Err("type_not_accepted"));
    check("page.png", b"<html><body>hi</body></html>", Err("active_content"));
    check("report.txt", b"%PDF-1.4\n%%EOF", Err("name_does_not_match_content"));
    check("report", b"%PDF-1.4\n%%EOF", Err("name_does_not_match_content"));
    check("readme.csv", b"a,b\n\0\x01", Err("type_not_accepted"));
}

#[test]
fn active_content_is_refused() {
    check("cert.pdf", b"%PDF-1.7\n<< /S /JavaScript /JS (app.alert(1)) >>", Err("active_content"));
    check("cert.pdf", b"%PDF-1.7\n<< /S /Launch /F (calc.exe) >>", Err("active_content"));
    check("cert.pdf", b"%PDF-1.7\n<< /Type /EmbeddedFile >>", Err("active_content"));
    check("notes.txt", b"hello <SCRIPT>alert(1)</script>", Err("active_content"));
    check("logo.csv", b"<svg onload=alert(1)>", Err("active_content"));
    // A name that merely starts like /JS is not JavaScript.
    check("data.pdf", b"%PDF-1.7\n<< /JSONData 1 >>", Ok(EvidenceMediaType::Pdf));
}

#[test]
fn size_and_name_limits() {
    check("empty.pdf", b"", Err("empty"));
    let mut large = b"%PDF-1.7\n".to_vec();
    large.resize(MAX_EVIDENCE_BYTES + 1, b' ');
    check("large.pdf", &large, Err("too_large"));
    let mut at_limit = b"%PDF-1.7\n".to_vec();
    at_limit.resize(MAX_EVIDENCE_BYTES, b' ');
    check("limit.pdf", &at_limit, Ok(EvidenceMediaType::Pdf));
    check("../etc/passwd.txt", b"x", Err("bad_file_name"));
    check(".hidden.txt", b"x", Err("bad_file_name"));
    check("a\nb.txt", b"x", Err("bad_file_name"));
    check("", b"x", Err("bad_file_name"));
    let Err(EvidenceFileProblem::TooLarge { size_bytes, max_bytes, .. }) = check_evidence_file("large.pdf", &large)
    else {
        panic!("too large")
    };
    assert_eq!((size_bytes, max_bytes), (MAX_EVIDENCE_BYTES as u64 + 1, 1_000_000));
}
