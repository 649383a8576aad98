//! Identifying columns, by header *and* label, in English, German, French and Spanish: contact
//! fields (name, address, phone, e-mail, company), geolocation in any naming, and device or IP
//! metadata. The content rules (e-mail, phone, IP and coordinate values) apply to every column
//! whatever its kind.
//!
//! Matching is on the whole field name, not on words inside a question: "Name:" and "First
//! Name" identify, "Name the tool you use most" does not. A field name may carry a polite
//! prefix ("Please enter your", "Ihre", "Votre", "Su") and a trailing `:`, `*` or "(optional)".

use super::privacy::{looks_like_email, looks_like_ip, looks_like_phone};
use super::scales::normalise;

/// Why a column identifies people, and whether it identifies a person stably across rounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifying {
    /// E-mail and external references link a person across rounds.
    pub person_key: bool,
    /// What it is, for the import message and `--dry-run`.
    pub what: &'static str,
}

/// Field names, each with what it is. Compared after [`field_name`].
const FIELDS: &[(&str, &str)] = &[
    // English.
    ("name", "name"),
    ("full name", "name"),
    ("first name", "name"),
    ("last name", "name"),
    ("surname", "name"),
    ("given name", "name"),
    ("family name", "name"),
    ("middle name", "name"),
    ("first and last name", "name"),
    ("contact name", "name"),
    ("respondent name", "name"),
    ("address", "address"),
    ("mailing address", "address"),
    ("postal address", "address"),
    ("street address", "address"),
    ("home address", "address"),
    ("street", "address"),
    ("address line 1", "address"),
    ("address line 2", "address"),
    ("city", "address"),
    ("zip", "address"),
    ("zip code", "address"),
    ("postal code", "address"),
    ("postcode", "address"),
    ("phone", "phone"),
    ("phone number", "phone"),
    ("telephone", "phone"),
    ("telephone number", "phone"),
    ("mobile", "phone"),
    ("mobile number", "phone"),
    ("cell phone", "phone"),
    ("email", "e-mail"),
    ("e-mail", "e-mail"),
    ("email address", "e-mail"),
    ("e-mail address", "e-mail"),
    ("company", "company"),
    ("company name", "company"),
    ("employer", "company"),
    ("date of birth", "birth date"),
    ("birthday", "birth date"),
    ("social security number", "national id"),
    // German.
    ("vorname", "name"),
    ("nachname", "name"),
    ("familienname", "name"),
    ("vor- und nachname", "name"),
    ("vollständiger name", "name"),
    ("anschrift", "address"),
    ("adresse", "address"),
    ("straße", "address"),
    ("strasse", "address"),
    ("straße und hausnummer", "address"),
    ("postleitzahl", "address"),
    ("plz", "address"),
    ("wohnort", "address"),
    ("ort", "address"),
    ("stadt", "address"),
    ("telefon", "phone"),
    ("telefonnummer", "phone"),
    ("handynummer", "phone"),
    ("mobilnummer", "phone"),
    ("e-mail-adresse", "e-mail"),
    ("emailadresse", "e-mail"),
    ("firma", "company"),
    ("unternehmen", "company"),
    ("arbeitgeber", "company"),
    ("geburtsdatum", "birth date"),
    // French.
    ("nom", "name"),
    ("prénom", "name"),
    ("prenom", "name"),
    ("nom de famille", "name"),
    ("nom complet", "name"),
    ("nom et prénom", "name"),
    ("adresse postale", "address"),
    ("rue", "address"),
    ("code postal", "address"),
    ("ville", "address"),
    ("téléphone", "phone"),
    ("telephone", "phone"),
    ("numéro de téléphone", "phone"),
    ("portable", "phone"),
    ("courriel", "e-mail"),
    ("adresse e-mail", "e-mail"),
    ("adresse email", "e-mail"),
    ("adresse électronique", "e-mail"),
    ("entreprise", "company"),
    ("société", "company"),
    ("employeur", "company"),
    ("date de naissance", "birth date"),
    // Spanish.
    ("nombre", "name"),
    ("nombres", "name"),
    ("apellido", "name"),
    ("apellidos", "name"),
    ("nombre completo", "name"),
    ("nombre y apellido", "name"),
    ("nombre y apellidos", "name"),
    ("dirección", "address"),
    ("direccion", "address"),
    ("domicilio", "address"),
    ("calle", "address"),
    ("código postal", "address"),
    ("codigo postal", "address"),
    ("ciudad", "address"),
    ("teléfono", "phone"),
    ("telefono", "phone"),
    ("número de teléfono", "phone"),
    ("celular", "phone"),
    ("móvil", "phone"),
    ("correo", "e-mail"),
    ("correo electrónico", "e-mail"),
    ("correo electronico", "e-mail"),
    ("empresa", "company"),
    ("compañía", "company"),
    ("fecha de nacimiento", "birth date"),
];

/// Polite prefixes in front of a field name, longest first.
const PREFIXES: &[&str] = &[
    "please enter your ",
    "please provide your ",
    "please give your ",
    "what is your ",
    "enter your ",
    "your ",
    "bitte geben sie ihre ",
    "bitte geben sie ihren ",
    "bitte geben sie ihr ",
    "ihre ",
    "ihren ",
    "ihr ",
    "dein ",
    "deine ",
    "veuillez indiquer votre ",
    "votre ",
    "vos ",
    "ton ",
    "ta ",
    "por favor indique su ",
    "indique su ",
    "su ",
    "tu ",
];

/// Geolocation header names (alphanumeric key, lowercase) matched whole.
const GEO_KEYS: &[&str] = &[
    "lat",
    "lon",
    "lng",
    "long",
    "latitude",
    "longitude",
    "altitude",
    "geopoint",
    "geolocation",
    "geo",
    "gps",
    "location",
    "coordinates",
    "coords",
    "geocode",
    "geotrace",
    "geoshape",
    "standort",
    "breitengrad",
    "längengrad",
    "localisation",
    "ubicación",
    "ubicacion",
    "ubicacion gps",
];

/// Device and network metadata (alphanumeric key).
const DEVICE_KEYS: &[&str] = &[
    "useragent",
    "httpuseragent",
    "browser",
    "browserversion",
    "operatingsystem",
    "device",
    "devicetype",
    "deviceid",
    "screenresolution",
    "ipaddress",
    "ip",
    "ipaddr",
    "macaddress",
    "imei",
    "deviceid_",
    "phonenumber",
    "simserial",
    "subscriberid",
];

/// The field name of a header or label: normalised, polite prefix, trailing punctuation and
/// "(optional)" removed.
fn field_name(s: &str) -> String {
    let mut t = normalise(&super::layout::clean_html(s));
    for suffix in ["(optional)", "(facultatif)", "(opcional)", "(freiwillig)"] {
        if let Some(x) = t.strip_suffix(suffix) {
            t = x.trim().to_string();
        }
    }
    let t = t.trim_end_matches([':', '*', '?', '.', ' ']).trim_start_matches(['*', ' ']);
    let mut t = t.to_string();
    for p in PREFIXES {
        if let Some(x) = t.strip_prefix(p) {
            t = x.to_string();
            break;
        }
    }
    t.replace(['_', '\u{2011}'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Alphanumeric lowercase key of a header (`_point_latitude` -> `pointlatitude`).
fn key(s: &str) -> String {
    normalise(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Decides from a column's header and its label (Qualtrics row 2, or the header again).
pub fn by_name(header: &str, label: &str) -> Option<Identifying> {
    for s in [header, label] {
        if s.trim().is_empty() {
            continue;
        }
        let f = field_name(s);
        if let Some((_, what)) = FIELDS.iter().find(|(n, _)| *n == f) {
            return Some(Identifying { person_key: *what == "e-mail", what });
        }
        let k = key(s);
        if GEO_KEYS.contains(&k.as_str())
            || GEO_KEYS.contains(&f.as_str())
            || ["latitude", "longitude", "altitude", "geopoint", "geolocation", "gpsaccuracy"]
                .iter()
                .any(|g| k.contains(g))
            || (k.starts_with("point") || k.starts_with("location") || k.starts_with("gps"))
                && ["precision", "accuracy", "lat", "lon", "lng", "alt"]
                    .iter()
                    .any(|x| k.ends_with(x))
        {
            return Some(Identifying { person_key: false, what: "geolocation" });
        }
        if DEVICE_KEYS.contains(&k.as_str()) || k.contains("metainfo") {
            return Some(Identifying { person_key: false, what: "device or network metadata" });
        }
    }
    None
}

/// A geographic coordinate pair as written by KoboToolbox / ODK (`lat lon [alt [precision]]`)
/// or as `lat, lon`.
pub fn looks_like_coordinates(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|p| !p.is_empty())
        .collect();
    if !(2..=4).contains(&parts.len()) {
        return false;
    }
    let nums: Option<Vec<f64>> = parts.iter().map(|p| p.parse::<f64>().ok()).collect();
    let Some(v) = nums else { return false };
    // Coordinates carry decimals; "3 4" (two ratings) does not.
    parts[0].contains('.')
        && parts[1].contains('.')
        && v[0].abs() <= 90.0
        && v[1].abs() <= 180.0
        && v.iter().all(|x| x.is_finite())
}

/// Decides from a column's values (a sample of its non-blank cells): at least half e-mail
/// addresses, IP addresses, phone numbers or coordinates.
pub fn by_content(values: &[&str]) -> Option<Identifying> {
    if values.is_empty() {
        return None;
    }
    let half =
        |f: &dyn Fn(&str) -> bool| values.iter().filter(|v| f(v)).count() * 2 >= values.len();
    if half(&looks_like_email) {
        return Some(Identifying { person_key: true, what: "e-mail addresses (by content)" });
    }
    if half(&looks_like_ip) {
        return Some(Identifying { person_key: false, what: "IP addresses (by content)" });
    }
    if half(&looks_like_coordinates) {
        return Some(Identifying { person_key: false, what: "coordinates (by content)" });
    }
    if half(&looks_like_phone) {
        return Some(Identifying { person_key: false, what: "phone numbers (by content)" });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(h: &str, l: &str) -> Option<&'static str> {
        by_name(h, l).map(|i| i.what)
    }

    #[test]
    fn contact_blocks_in_four_languages() {
        // Qualtrics with bare export tags: the label in row 2 decides.
        assert_eq!(what("Q7", "Name:"), Some("name"));
        assert_eq!(what("program_contact_1_TEXT", "First Name"), Some("name"));
        assert_eq!(what("Q8", "Mailing Address:"), Some("address"));
        assert_eq!(what("Q9", "Phone Number"), Some("phone"));
        assert_eq!(what("Q10", "Please enter your e-mail address *"), Some("e-mail"));
        assert_eq!(what("F1", "Vorname"), Some("name"));
        assert_eq!(what("F2", "Ihre Telefonnummer:"), Some("phone"));
        assert_eq!(what("F3", "Straße und Hausnummer"), Some("address"));
        assert_eq!(what("q", "Prénom"), Some("name"));
        assert_eq!(what("q", "Votre courriel"), Some("e-mail"));
        assert_eq!(what("q", "Nombre y apellidos"), Some("name"));
        assert_eq!(what("q", "Correo electrónico (opcional)"), Some("e-mail"));
        assert_eq!(what("q", "Empresa"), Some("company"));
        assert!(by_name("Q10", "E-mail").unwrap().person_key);
    }

    #[test]
    fn questions_that_mention_a_field_are_not_fields() {
        assert_eq!(what("Q1", "Name the tool you use most"), None);
        assert_eq!(what("Q2", "How satisfied are you with the company's CI?"), None);
        assert_eq!(what("Location (Census Region)", "Location (Census Region)"), None);
        assert_eq!(what("Q3", "Which phone do you develop on?"), None);
    }

    #[test]
    fn geolocation_in_any_naming() {
        for h in [
            "_point_latitude",
            "_point_longitude",
            "_point_altitude",
            "_point_precision",
            "LocationLatitude",
            "lat",
            "lng",
            "geopoint",
            "location",
            "GPS",
        ] {
            assert_eq!(what(h, h), Some("geolocation"), "{h}");
        }
        assert!(looks_like_coordinates("47.3769 8.5417 408.0 5.0"));
        assert!(looks_like_coordinates("-33.86, 151.21"));
        assert!(!looks_like_coordinates("3 4"));
        assert!(!looks_like_coordinates("1.5 200.5"));
        assert_eq!(what("User Agent", "User Agent"), Some("device or network metadata"));
        assert_eq!(what("IP Address", "IP Address"), Some("device or network metadata"));
    }

    #[test]
    fn content_rules() {
        let v = ["+41 44 123 45 67", "(555) 123-4567", "n/a"];
        assert_eq!(by_content(&v).map(|i| i.what), Some("phone numbers (by content)"));
        assert_eq!(by_content(&["2026-03-01", "2026-03-02"]), None);
        assert_eq!(by_content(&["1200", "35"]), None);
        assert!(by_content(&["a@b.io", "c@d.org"]).unwrap().person_key);
    }
}
