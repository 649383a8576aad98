//! Every real export in ../shared/real-exports through the report (issue 15): imported as two
//! rounds, every rated item appears in the Likert and the trend figures under the label the
//! methods table gives it, and no chart text is cut. Fails in CI when ../shared is absent.

use super::*;

/// Every `<text>` content of the charts whose names start with `prefix`, one string each.
fn chart_texts(dir: &Path, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A report without a chart has no charts/ folder.
    let Ok(entries) = std::fs::read_dir(dir.join("charts")) else { return out };
    for e in entries {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with(prefix) && name.ends_with(".svg")) {
            continue;
        }
        let svg = std::fs::read_to_string(&p).unwrap();
        for part in svg.split("<text").skip(1) {
            let body = part.split_once('>').map_or("", |x| x.1);
            let body = body.split("</text>").next().unwrap_or("");
            out.push(unescape(body.trim()));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The methods table's short label → full wording pairs, from the HTML page.
fn short_labels(html: &str) -> Vec<(String, String)> {
    let Some(start) = html.find("Short labels used in the charts and tables") else {
        return Vec::new();
    };
    let table = &html[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr>")
        .skip(1)
        .filter_map(|row| {
            // `<td>` or `<td class="w">` (wide text cells wrap).
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|c| c.split_once('>').map_or("", |x| x.1))
                .map(|c| unescape(c.split("</td>").next().unwrap_or("").trim()))
                .collect();
            (cells.len() == 2).then(|| (cells[0].clone(), cells[1].clone()))
        })
        .collect()
}

/// Whether `label` is drawn: as one text, or wrapped over consecutive texts.
fn drawn(texts: &[String], label: &str) -> bool {
    let want: String = label.split_whitespace().collect::<Vec<_>>().join(" ");
    (0..texts.len()).any(|i| {
        let mut s = String::new();
        for t in &texts[i..(i + 4).min(texts.len())] {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(t);
            if s == want || s == format!("▼ {want}") {
                return true;
            }
        }
        false
    })
}

#[test]
fn every_real_export_reports_every_rated_item() {
    let Some(dir) = shared_dir("real-exports") else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut rated_total = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let t = CliTest::new();
        t.workspace();
        for (round, date) in [("2026-Q1", "2026-02-15"), ("2026-Q2", "2026-05-15")] {
            let f = file.to_str().unwrap();
            t.ok(&["-w", "ws", "import", "survey", f, "--round", round, "--date", date]);
        }
        t.ok(&["-w", "ws", "report", "--formats", "pdf,png,html", "--out", "out"]);
        let out = t.path("out");
        let rows: Vec<serde_json::Value> = serde_json::from_str(
            &t.ok(&["-w", "ws", "summary", "--round", "2026-Q2", "--format", "json"]),
        )
        .unwrap();
        let questions: Vec<serde_json::Value> =
            serde_json::from_str(&t.ok(&["-w", "ws", "questions", "--format", "json"])).unwrap();
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let labels = short_labels(&html);
        let (likert, trends) = (chart_texts(&out, "likert"), chart_texts(&out, "trends"));
        for text in likert.iter().chain(&trends) {
            assert!(!text.contains('…'), "{name}: a chart label is cut: {text:?}");
        }
        let rated = rows.iter().filter(|r| {
            r["kind"] == "likert"
                && r["group"] == ""
                && r["option"] == ""
                && r["suppressed"] != true
        });
        for r in rated {
            rated_total += 1;
            let id = r["question_id"].as_str().unwrap();
            let q = questions.iter().find(|q| q["question_id"] == id).expect("in the catalog");
            let full = q["text"].as_str().unwrap().trim();
            let label = labels
                .iter()
                .find(|(_, f)| f.trim() == full)
                .map_or(full.to_string(), |(l, _)| l.clone());
            assert!(drawn(&likert, &label), "{name}: {id} ({label:?}) is not in the Likert figure");
            assert!(drawn(&trends, &label), "{name}: {id} ({label:?}) is not in the trend figure");
        }
        let pages = std::fs::read_dir(out.join("pages")).unwrap().count();
        assert!(pages >= 3, "{name}: {pages} page PNGs");
    }
    // The food-world-cup export rates 40 cuisines on 1–5 (a numeric rating, once skipped as "no
    // rated (Likert) questions") and the Qualtrics matrix export 6 rows; the LimeSurvey files
    // have fewer respondents than the minimum group size, so their items are hidden.
    assert!(rated_total >= 46, "{rated_total} rated items over the real exports");
}

/// The generated 60-question survey (`pulse generate bench`), two rounds: every rated item is in
/// the Likert, trend and team figures, and every team in the heatmap.
#[test]
fn generated_sixty_question_survey_reports_every_item_and_team() {
    let t = CliTest::new();
    t.workspace();
    for (seed, round) in [("1", "2026-Q1"), ("2", "2026-Q2")] {
        let f = format!("{round}.csv");
        t.ok(&[
            "generate",
            "bench",
            "--respondents",
            "1500",
            "--questions",
            "60",
            "--seed",
            seed,
            "--out",
            &f,
        ]);
        t.ok(&["-w", "ws", "import", "survey", &f, "--round", round]);
    }
    t.ok(&["-w", "ws", "report", "--formats", "png", "--out", "out"]);
    let out = t.path("out");
    let rows: Vec<serde_json::Value> = serde_json::from_str(
        &t.ok(&["-w", "ws", "summary", "--round", "2026-Q2", "--format", "json"]),
    )
    .unwrap();
    let rated: Vec<&str> = rows
        .iter()
        .filter(|r| r["kind"] == "likert" && r["group"] == "" && r["option"] == "")
        .map(|r| r["question_id"].as_str().unwrap())
        .collect();
    assert!(rated.len() >= 55, "{} rated items", rated.len());
    let questions: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "questions", "--format", "json"])).unwrap();
    let (likert, trends, heat) =
        (chart_texts(&out, "likert"), chart_texts(&out, "trends"), chart_texts(&out, "heatmap"));
    for id in &rated {
        let q = questions.iter().find(|q| q["question_id"] == *id).unwrap();
        // "Statement 17 about the platform": the siblings share every word but the number.
        let label = q["text"].as_str().unwrap().replace(" about the platform", "");
        for (what, texts) in [("Likert", &likert), ("trend", &trends), ("heatmap", &heat)] {
            assert!(drawn(texts, &label), "{id} ({label:?}) is not in the {what} figure");
        }
    }
    let teams = t.query("SELECT DISTINCT team FROM respondents WHERE round = '2026-Q2'");
    assert!(teams.len() >= 7);
    for team in &teams {
        let name = team["team"].as_str().unwrap();
        assert!(
            heat.iter().any(|x| x.starts_with(&format!("{name} (n="))),
            "team {name} in the heatmap"
        );
    }
    for text in likert.iter().chain(&trends).chain(&heat) {
        assert!(!text.contains('…'), "a chart label is cut: {text:?}");
    }
}
