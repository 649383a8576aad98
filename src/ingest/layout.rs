//! Header layouts of the survey platforms: which rows are headers, which columns are metadata,
//! which identify people, and how sub-items group under a parent question.
//!
//! Detection goes by signature (FORMATS.md section 9), never by guessing the number of header
//! rows. Columns are keyed by position: header names repeat in real exports.

use super::grid::Grid;
use super::scales::normalise;

mod platform;

pub use platform::{Platform, detect};

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The platform's response or respondent identifier.
    ResponseId,
    /// When the response was submitted (or last recorded).
    Submitted,
    /// When the response was started.
    Started,
    /// Time taken, in seconds.
    Duration,
    /// Percent of the survey completed (Qualtrics `Progress`).
    Progress,
    /// Finished flag (`1`/`0`, `True`/`False`, `Yes`/`No`, `completed`/`partial`).
    Finished,
    /// An identifying column: dropped unless kept, may link a person across rounds.
    Pii {
        /// Whether this column identifies the person stably (e-mail, external reference).
        person_key: bool,
    },
    /// Platform bookkeeping that is neither a question nor identifying.
    Meta,
    /// A question or question sub-item.
    Question,
}

/// One column of the export.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// Position in the file (0-based).
    pub index: usize,
    /// Header as written (row 1), for messages and `--keep-column`.
    pub header: String,
    /// Full question text (parent and sub-item joined) for questions; the header otherwise.
    pub text: String,
    /// Parent question text when this column is one row of a grid or one option of a multi-select.
    pub parent: Option<String>,
    /// The sub-item: the grid row or option label.
    pub sub: Option<String>,
    /// What the column holds.
    pub role: Role,
    /// The platform marks this column as free text ("Open-Ended Response", `_TEXT`).
    pub text_hint: bool,
    /// Why the column has its role (for `import --dry-run` and the import message).
    pub reason: String,
}

/// The structure of one export.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The platform.
    pub platform: Platform,
    /// The export variant, for the import message (`current 3-row export`).
    pub variant: &'static str,
    /// How many rows at the top are headers.
    pub header_rows: usize,
    /// Every column, in file order.
    pub columns: Vec<ColumnSpec>,
}
pub(super) fn cell(grid: &Grid, row: usize, col: usize) -> &str {
    grid.rows.get(row).and_then(|r| r.cells.get(col)).unwrap_or("")
}

pub(super) fn norm_key(s: &str) -> String {
    normalise(s).chars().filter(|c| c.is_alphanumeric()).collect()
}
/// Role of a metadata column by its (normalised) name; `None` means "a question".
fn meta_role(key: &str) -> Option<Role> {
    Some(match key {
        "responseid" | "respondentid" | "responseid_" | "id" | "_recordid" | "#" => {
            Role::ResponseId
        }
        "enddate" | "recordeddate" | "datesubmitted" | "submitdate" | "submitdateutc"
        | "completiontime" | "timestamp" | "submittedat" | "submitted" | "submissiontime"
        | "end" => Role::Submitted,
        "startdate" | "datestarted" | "startdateutc" | "starttime" | "startedat" | "start" => {
            Role::Started
        }
        "durationinseconds" | "totaltime" | "durations" | "duration" | "durationsec" => {
            Role::Duration
        }
        "progress" => Role::Progress,
        "finished" | "responsetype" | "complete" | "completed" => Role::Finished,
        "recipientemail"
        | "emailaddress"
        | "email"
        | "useremail"
        | "username"
        | "externalreference"
        | "externaldatareference"
        | "respondentemail"
        | "verifiedemail" => Role::Pii { person_key: true },
        "ipaddress" | "ip" | "ipaddr" | "locationlatitude" | "locationlongitude" | "latitude"
        | "longitude" | "locationaccuracy" | "recipientfirstname" | "recipientlastname"
        | "firstname" | "lastname" | "name" | "fullname" | "phone" | "phonenumber" | "mobile"
        | "telephone" | "customdata" | "customdata1" | "networkid" | "token" | "referrer"
        | "refurl" | "seed" | "submittedby" | "deviceid" | "subscriberid" | "simserial"
        | "phonenumber_" | "username_" => Role::Pii { person_key: false },
        // KoboToolbox / ODK bookkeeping (`_uuid`, `__version__`, `_validation_status`, ...).
        "uuid" | "index" | "validationstatus" | "version" | "notes" | "instanceid"
        | "metainstanceid" | "today" | "parentindex" | "parenttablename" | "xformid"
        | "formhubuuid" | "attachments" | "geolocation_" => Role::Meta,
        "status"
        | "distributionchannel"
        | "userlanguage"
        | "collectorid"
        | "responseset"
        | "lastpage"
        | "startlanguage"
        | "datelastaction"
        | "datestamp"
        | "lastmodifiedtime"
        | "totalpoints"
        | "quizfeedback"
        | "stagedateutc"
        | "tags"
        | "score"
        | "v1"
        | "v2"
        | "v3"
        | "v4"
        | "v5"
        | "v6"
        | "v7"
        | "v8"
        | "v9"
        | "v10" => Role::Meta,
        _ => return None,
    })
}

/// Why a column got its role from its header.
fn role_reason(role: &Role, key: &str) -> String {
    match role {
        Role::Question => "question".into(),
        Role::Pii { .. } => format!("identifying: header `{key}`"),
        Role::Meta => format!("platform metadata: header `{key}`"),
        r => format!("{r:?} (header `{key}`)").to_lowercase(),
    }
}

/// Splits a platform-joined label into (parent, sub): `Q [Row]`, `Q - Sub`, `Q-Sub`.
fn split_sub(text: &str, seps: &[&str]) -> Option<(String, String)> {
    let t = text.trim();
    if let Some(stripped) = t.strip_suffix(']')
        && let Some(open) = stripped.rfind(" [").or_else(|| stripped.rfind('['))
    {
        let (p, s) = (stripped[..open].trim(), stripped[open..].trim_start_matches([' ', '[']));
        if !p.is_empty() && !s.is_empty() {
            return Some((p.to_string(), s.to_string()));
        }
    }
    for sep in seps {
        if let Some(i) = t.rfind(sep) {
            let (p, s) = (t[..i].trim(), t[i + sep.len()..].trim());
            if !p.is_empty() && !s.is_empty() {
                return Some((p.to_string(), s.to_string()));
            }
        }
    }
    None
}

/// Builds the layout for a detected (or user-chosen) platform.
pub fn layout(grid: &Grid, platform: Platform, variant: &'static str) -> Layout {
    let width = grid.rows[0].cells.len();
    let header_rows = match (platform, variant) {
        (Platform::Qualtrics, v) if v.starts_with("legacy") => 2,
        (Platform::Qualtrics, _) => 3,
        (Platform::SurveyMonkey, v) if v.starts_with("2-row") => 2,
        _ => 1,
    };
    let mut columns = Vec::with_capacity(width);
    let mut sm_parent = String::new();
    for i in 0..width {
        let h0 = cell(grid, 0, i).to_string();
        let (name, label) = match (platform, header_rows) {
            (Platform::Qualtrics, 2) => {
                (cell(grid, 1, i).to_string(), cell(grid, 1, i).to_string())
            }
            (Platform::Qualtrics, _) => (h0.clone(), cell(grid, 1, i).to_string()),
            _ => (h0.clone(), h0.clone()),
        };
        let key = if name.trim() == "#" { "#".to_string() } else { norm_key(&name) };
        let mut role = meta_role(&key).unwrap_or(Role::Question);
        // Qualtrics current exports name the response id `ResponseId` in row 1.
        if platform == Platform::LimeSurvey
            && (key.starts_with("grouptime")
                || key.starts_with("questiontime")
                || key.starts_with("filecount"))
        {
            role = Role::Meta;
        }
        if platform == Platform::MicrosoftForms
            && (h0.starts_with("Points - ") || h0.starts_with("Feedback - "))
        {
            role = Role::Meta;
        }
        if platform == Platform::GoogleForms
            && (h0.ends_with("[Score]") || h0.ends_with("[Feedback]"))
        {
            role = Role::Meta;
        }
        if platform == Platform::Plain && key == "timestamp" {
            role = Role::Submitted;
        }
        let mut spec = ColumnSpec {
            index: i,
            header: if platform == Platform::Qualtrics && header_rows == 3 {
                h0.clone()
            } else {
                name.clone()
            },
            text: label.clone(),
            parent: None,
            sub: None,
            reason: role_reason(&role, &key),
            role,
            text_hint: false,
        };
        if spec.role == Role::Question
            && let Some(id) = super::identify::by_name(&name, &label)
        {
            spec.reason = format!("identifying: {} (by header or label)", id.what);
            spec.role = Role::Pii { person_key: id.person_key };
        }
        if spec.role == Role::Question {
            match platform {
                Platform::SurveyMonkey if header_rows == 2 => {
                    let r1 = cell(grid, 1, i).trim().to_string();
                    let r1n = normalise(&r1);
                    if !h0.trim().is_empty() {
                        sm_parent = clean_html(&h0);
                    }
                    let next_is_same = i + 1 < width && cell(grid, 0, i + 1).trim().is_empty();
                    let starts_group = !h0.trim().is_empty() && next_is_same;
                    if r1n == "open-ended response" {
                        spec.text_hint = true;
                        spec.text = sm_parent.clone();
                    } else if r1n == "response" && !starts_group && !h0.trim().is_empty() {
                        spec.text = sm_parent.clone();
                    } else {
                        spec.parent = Some(sm_parent.clone());
                        spec.sub = Some(r1.clone());
                        spec.text = format!("{sm_parent} [{r1}]");
                        spec.text_hint = r1n.starts_with("other (please specify)");
                    }
                }
                Platform::Qualtrics => {
                    // The export tag may be bare (`Q2`); the ImportId row still says `_TEXT`.
                    let import_id = if header_rows == 3 { cell(grid, 2, i) } else { "" };
                    spec.text_hint = h0.ends_with("_TEXT")
                        || h0.contains("_TEXT_")
                        || import_id.contains("_TEXT\"")
                        || import_id.contains("_TEXT'");
                    if let Some((p, s)) = split_sub(&label, &[" - ", "-"])
                        && (qualtrics_grouped(&h0) || header_rows == 2)
                    {
                        spec.parent = Some(p);
                        spec.sub = Some(s);
                    }
                    spec.text = clean_html(&label);
                    if let Some(t) = spec.text.strip_suffix(" - Selected Choice") {
                        spec.text = t.to_string();
                    }
                }
                _ => {
                    spec.text = clean_html(&label);
                    if let Some((p, s)) = split_sub(&spec.text, &[]) {
                        spec.parent = Some(p);
                        spec.sub = Some(s);
                    }
                    spec.text_hint = normalise(&label).ends_with("[other]");
                }
            }
        }
        columns.push(spec);
    }
    if platform == Platform::Qualtrics && header_rows == 2 {
        regroup_by_common_prefix(&mut columns);
    }
    if platform == Platform::Typeform {
        group_typeform_options(grid, &mut columns, header_rows);
    }
    if header_rows == 1 && platform != Platform::Typeform {
        group_dash_options(&mut columns);
    }
    Layout { platform, variant, header_rows, columns }
}

/// Qualtrics keys like `Q5_1` (one option or grid row of Q5), not `Q5_TEXT`.
fn qualtrics_grouped(key: &str) -> bool {
    match key.rsplit_once('_') {
        Some((p, s)) => !p.is_empty() && !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
        None => false,
    }
}

/// Legacy Qualtrics joins `Question-Statement` with a bare `-`, which also appears inside
/// texts: take the parent as the longest `-`-ended prefix shared with a neighbouring column.
fn regroup_by_common_prefix(columns: &mut [ColumnSpec]) {
    let n = columns.len();
    for i in 0..n {
        if columns[i].role != Role::Question {
            continue;
        }
        let t = columns[i].text.clone();
        let mut best: Option<usize> = None;
        for j in [i.wrapping_sub(1), i + 1] {
            if j >= n || columns[j].role != Role::Question {
                continue;
            }
            let o = &columns[j].text;
            let common = t
                .char_indices()
                .zip(o.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((k, c), _)| k + c.len_utf8());
            if let Some(dash) = t[..common].rfind('-')
                && dash >= 8
                && best.is_none_or(|b| dash > b)
            {
                best = Some(dash);
            }
        }
        match best {
            Some(d) => {
                columns[i].parent = Some(t[..d].trim().to_string());
                columns[i].sub = Some(t[d + 1..].trim().to_string());
            }
            None => {
                columns[i].parent = None;
                columns[i].sub = None;
            }
        }
    }
}

/// One-row exports flatten option groups into `Question - Option` columns (SurveyMonkey
/// "condensed" and publisher-flattened files): two or more neighbouring columns whose text
/// shares the part before the last " - " form one group, and a lone `Question - Other (please
/// specify)` right after its question is that question's free-text companion.
fn group_dash_options(columns: &mut [ColumnSpec]) {
    let split = |c: &ColumnSpec| -> Option<(String, String)> {
        if c.role != Role::Question || c.parent.is_some() {
            return None;
        }
        let i = c.text.rfind(" - ")?;
        let (p, s) = (c.text[..i].trim(), c.text[i + 3..].trim());
        (!p.is_empty() && !s.is_empty()).then(|| (p.to_string(), s.to_string()))
    };
    let parts: Vec<Option<(String, String)>> = columns.iter().map(split).collect();
    let n = columns.len();
    let mut i = 0;
    while i < n {
        let Some((p, _)) = &parts[i] else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < n && parts[j].as_ref().is_some_and(|(q, _)| q == p) {
            j += 1;
        }
        let follows_its_question = i > 0
            && columns[i - 1].role == Role::Question
            && normalise(&columns[i - 1].text) == normalise(p);
        if j - i >= 2 || follows_its_question || says_select_all(p) {
            for k in i..j {
                let (p, s) = parts[k].clone().expect("checked");
                columns[k].text_hint |= normalise(&s).starts_with("other (please specify)")
                    || normalise(&s).starts_with("other (specify)");
                columns[k].parent = Some(p);
                columns[k].sub = Some(s);
            }
        }
        i = j;
    }
}

/// The question says it is a multi-select ("Please select all that apply").
pub(crate) fn says_select_all(text: &str) -> bool {
    let t = normalise(text);
    [
        "all that apply",
        "select all",
        "check all",
        "tick all",
        "mehrfachauswahl",
        "mehrere antworten",
        "plusieurs réponses",
        "toutes les réponses",
        "todas las que apliquen",
        "varias respuestas",
    ]
    .iter()
    .any(|c| t.contains(c))
}

/// Typeform heads each multi-select option column by the option label alone: a column whose
/// answers are only its own header (or blank) is an option; consecutive ones form a question.
fn group_typeform_options(grid: &Grid, columns: &mut [ColumnSpec], header_rows: usize) {
    let is_option = |c: &ColumnSpec| {
        c.role == Role::Question
            && grid.rows[header_rows..].iter().all(|r| {
                let v = r.cells[c.index].trim();
                v.is_empty() || v == c.header.trim()
            })
            && grid.rows[header_rows..].iter().any(|r| !r.cells[c.index].trim().is_empty())
    };
    let flags: Vec<bool> = columns.iter().map(is_option).collect();
    let mut i = 0;
    while i < columns.len() {
        if !flags[i] {
            i += 1;
            continue;
        }
        let start = i;
        // A question ends after its "Other" / "None" option, and where an option name repeats
        // (two neighbouring multi-selects that both offer "None" are two questions).
        let mut seen: Vec<String> = Vec::new();
        while i < columns.len()
            && (flags[i] || (normalise(&columns[i].header) == "other" && i > start))
        {
            let name = normalise(&columns[i].header);
            if seen.contains(&name) {
                break;
            }
            seen.push(name.clone());
            i += 1;
            let closes = name == "other" || name == "none" || name.starts_with("none of");
            let next_closes = i < columns.len()
                && matches!(normalise(&columns[i].header).as_str(), "other" | "none");
            if closes && !next_closes {
                break;
            }
        }
        let labels: Vec<String> = columns[start..i].iter().map(|c| c.header.clone()).collect();
        let parent = format!("Select all that apply: {}", labels.join(" / "));
        for c in &mut columns[start..i] {
            c.parent = Some(parent.clone());
            c.sub = Some(c.header.clone());
            c.text_hint = normalise(&c.header) == "other";
        }
    }
}

/// Removes HTML tags and entities that platforms leave in question text.
pub fn clean_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out =
        out.replace("&gt;", ">").replace("&lt;", "<").replace("&nbsp;", " ").replace("&amp;", "&");
    out.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_rows_split() {
        assert_eq!(split_sub("Rate these [Docs]", &[]), Some(("Rate these".into(), "Docs".into())));
        assert_eq!(split_sub("Q2 - Topics", &[" - "]), Some(("Q2".into(), "Topics".into())));
        assert_eq!(clean_html("A <br>B&amp;C"), "A B&C");
    }

    #[test]
    fn non_ascii_headers_split_on_character_boundaries() {
        assert_eq!(
            split_sub("Zufriedenheit – Büro ✓ [Küche ✓]", &[" – "]),
            Some(("Zufriedenheit – Büro ✓".into(), "Küche ✓".into()))
        );
        assert_eq!(
            split_sub("Zufriedenheit – Büro ✓ Arbeitsplatz", &[" – "]),
            Some(("Zufriedenheit".into(), "Büro ✓ Arbeitsplatz".into()))
        );
    }
}
