//! `kanon profile`: detectors on a hand-made table, and no value printed.

use std::process::Command;

use serde_json::Value;

#[test]
fn detectors_and_roles() {
    let dir = std::env::temp_dir().join(format!("kanon-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.csv");
    let mut csv =
        String::from("email,iban,bsn,postcode,phone,token,uuid,date_of_birth,diagnosis,sex,note\n");
    // Valid BSNs by the 11-test and IBANs by mod-97, 30 rows.
    let bsns = ["111222333", "123456782", "999999990"];
    let ibans = [
        "NL91ABNA0417164300",
        "GB82WEST12345698765432",
        "DE89370400440532013000",
    ];
    for i in 0..30 {
        csv.push_str(&format!(
            "p{i}@example.org,{},{},{} AB,06-1234{:04},{:064x},123e4567-e89b-12d3-a456-{:012},19{:02}-0{}-1{},{},{},x\n",
            ibans[i % 3],
            bsns[i % 3],
            1000 + i,
            i,
            i * 7919 + 1,
            i,
            50 + i,
            1 + i % 9,
            i % 10,
            if i % 2 == 0 { "flu" } else { "asthma" },
            if i % 2 == 0 { "F" } else { "M" },
        ));
    }
    std::fs::write(&path, &csv).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(["profile", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let role = |name: &str| {
        let c = v["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        (
            c["role"].as_str().unwrap().to_string(),
            c["detector"].as_str().map(str::to_string),
        )
    };
    assert_eq!(
        role("email"),
        ("direct_identifier".into(), Some("email".into()))
    );
    assert_eq!(
        role("iban"),
        ("direct_identifier".into(), Some("iban".into()))
    );
    assert_eq!(
        role("bsn"),
        ("direct_identifier".into(), Some("bsn".into()))
    );
    assert_eq!(
        role("postcode"),
        ("direct_identifier".into(), Some("dutch_postcode".into()))
    );
    assert_eq!(
        role("phone"),
        ("direct_identifier".into(), Some("phone".into()))
    );
    assert_eq!(role("token"), ("pseudonym".into(), Some("hex_hash".into())));
    assert_eq!(role("uuid"), ("pseudonym".into(), Some("uuid".into())));
    assert_eq!(
        role("date_of_birth"),
        ("direct_identifier".into(), Some("date_of_birth".into()))
    );
    assert_eq!(role("diagnosis").0, "sensitive_candidate");
    assert_eq!(role("sex").0, "quasi_identifier_candidate");
    assert_eq!(role("note").0, "other");
    // Never print the values themselves.
    let text = Command::new(env!("CARGO_BIN_EXE_kanon"))
        .args(["profile", path.to_str().unwrap()])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&text.stdout),
        String::from_utf8_lossy(&o.stdout)
    );
    for secret in [
        "p3@example.org",
        "NL91ABNA0417164300",
        "111222333",
        "1003 AB",
        "06-12340003",
    ] {
        assert!(!all.contains(secret), "{secret} printed");
    }
    assert!(String::from_utf8_lossy(&text.stdout).contains("pseudonymised data is not anonymous"));
    std::fs::remove_dir_all(&dir).unwrap();
}
