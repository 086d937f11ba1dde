//! The identifier parsers of `domain`: whatever people type, a parse either refuses it
//! or yields a value in canonical form that parses back, from its own text, to itself.
//! Those values are stored and exported as that text, so a canonical form that does not
//! re-parse would be a record that cannot be re-imported or looked up.

#![no_main]

use chrono::Datelike;
use domain::platform::resident_id::check_char;
use domain::platform::time::today_local;
use domain::platform::{CreditCode, Fen, Mobile, Mu, ResidentId, SquareMetres};
use domain::relocation::grievance::{Phone, Reference};
use domain::relocation::posting_rounds::ObjectionReference;
use domain::relocation::{HeadId, HouseholdKind};
use domain::union::township::Township;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    resident_id(text);
    mobile(text);
    credit_code(text);
    head_id(text);
    amounts(text);
    township(text);
    phone(text);
    references(text);
});

fn resident_id(text: &str) {
    let Ok(id) = ResidentId::parse(text) else {
        return;
    };
    let shown = id.to_string();
    assert_eq!(shown, id.as_str());
    assert_eq!(shown.len(), 18, "{shown:?}");
    assert!(shown[..17].bytes().all(|b| b.is_ascii_digit()), "{shown:?}");
    assert_eq!(check_char(&shown[..17]), shown.chars().last(), "{shown:?}");
    assert_eq!(ResidentId::parse(&shown).as_ref(), Ok(&id), "{shown:?}");
    assert_eq!(ResidentId::parse(&shown.to_lowercase()).as_ref(), Ok(&id));
    let born = id.birth_date();
    assert!(
        born.year() >= 1880 && born <= today_local(),
        "{shown:?} born {born}"
    );
    let _ = id.sex();
    let _ = id.age_on(today_local());
    let _ = id.region_code();
}

fn mobile(text: &str) {
    let Ok(mobile) = Mobile::parse(text) else {
        return;
    };
    let shown = mobile.to_string();
    let bytes = shown.as_bytes();
    assert_eq!(bytes.len(), 11, "{shown:?}");
    assert!(bytes.iter().all(u8::is_ascii_digit), "{shown:?}");
    assert!(
        bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]),
        "{shown:?}"
    );
    assert_eq!(Mobile::parse(&shown).as_ref(), Ok(&mobile));
    assert_eq!(Mobile::parse(&format!("+86 {shown}")).as_ref(), Ok(&mobile));
}

fn credit_code(text: &str) {
    let Ok(code) = CreditCode::parse(text) else {
        return;
    };
    let shown = code.to_string();
    assert_eq!(shown.len(), 18, "{shown:?}");
    assert!(!shown.bytes().any(|b| b.is_ascii_lowercase()), "{shown:?}");
    assert_eq!(CreditCode::parse(&shown).as_ref(), Ok(&code));
    assert_eq!(CreditCode::parse(&shown.to_lowercase()).as_ref(), Ok(&code));
}

fn head_id(text: &str) {
    for kind in [HouseholdKind::Residential, HouseholdKind::Enterprise] {
        if let Ok(head) = HeadId::parse(kind, text) {
            assert_eq!(HeadId::parse(kind, head.as_str()).as_ref(), Ok(&head));
        }
    }
}

fn amounts(text: &str) {
    if let Ok(fen) = Fen::parse_yuan(text) {
        let exported = fen.to_yuan_string();
        assert_eq!(Fen::parse_yuan(&exported), Ok(fen), "{exported:?}");
        let _ = fen.to_string();
    }
    if let Ok(area) = SquareMetres::parse(text) {
        let shown = area.to_string();
        assert_eq!(SquareMetres::parse(&shown).ok(), Some(area), "{shown:?}");
        let _ = area.to_mu().to_string();
    }
    if let Ok(area) = Mu::parse(text) {
        let shown = area.to_string();
        assert_eq!(Mu::parse(&shown).ok(), Some(area), "{shown:?}");
    }
}

fn township(text: &str) {
    if let Ok(township) = Township::parse(text) {
        assert_eq!(Township::parse(&township.to_string()).ok(), Some(township));
        assert_eq!(Township::from_code(township.code()), Some(township));
    }
}

fn phone(text: &str) {
    if let Ok(phone) = Phone::parse(text) {
        assert_eq!(Phone::parse(phone.as_str()).ok(), Some(phone));
    }
}

fn references(text: &str) {
    if let Some(reference) = Reference::parse(text) {
        let shown = reference.to_string();
        assert_eq!(Reference::parse(&shown), Some(reference), "{shown:?}");
    }
    if let Some(reference) = ObjectionReference::parse(text) {
        let shown = reference.to_string();
        assert_eq!(
            ObjectionReference::parse(&shown),
            Some(reference),
            "{shown:?}"
        );
    }
}
