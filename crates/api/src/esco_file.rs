//! Reading an ESCO skills file: the CSV the EU publishes per language (`skills_nl.csv`,
//! `skills_en.csv`), with the columns `conceptUri`, `preferredLabel`, `altLabels` (one label a
//! line) and `description`. Rows that are not ESCO skills (another concept type, a bad address)
//! are counted and left out.

use crate::people_file::{self, FileKind, FileProblem, Table};
use leerweek_domain::skill::EscoUri;
use leerweek_store::skills::esco::EscoConcept;

/// The longest label kept (ESCO's are far shorter).
const MAX_LABEL: usize = 300;
/// The longest description kept.
const MAX_DESCRIPTION: usize = 2000;

/// Why a file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscoFileProblem {
    /// Not a readable CSV file, empty, or too long.
    File(FileProblem),
    /// A column ESCO's files always have is missing; `columns` are the file's header.
    MissingColumn {
        /// The column.
        column: &'static str,
        /// The file's header.
        columns: Vec<String>,
    },
    /// Not one row is an ESCO skill.
    NoSkills,
}

/// What a file held.
#[derive(Debug, Clone)]
pub struct EscoFile {
    /// The skills.
    pub concepts: Vec<EscoConcept>,
    /// Rows left out: no ESCO skill address or no label.
    pub skipped: usize,
}

/// Read an ESCO skills CSV.
pub fn read(bytes: &[u8]) -> Result<EscoFile, EscoFileProblem> {
    let table = people_file::read(bytes, FileKind::Csv).map_err(EscoFileProblem::File)?;
    concepts(&table)
}

fn concepts(t: &Table) -> Result<EscoFile, EscoFileProblem> {
    let find = |name: &'static str| t.header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let need = |name: &'static str| {
        find(name).ok_or_else(|| EscoFileProblem::MissingColumn { column: name, columns: t.header.clone() })
    };
    let (uri, label) = (need("conceptUri")?, need("preferredLabel")?);
    let (alt, description) = (find("altLabels"), find("description"));
    fn cell(row: &[String], i: Option<usize>) -> &str {
        i.and_then(|i| row.get(i)).map(|c| c.trim()).unwrap_or("")
    }
    let cut = |s: &str, max: usize| s.chars().take(max).collect::<String>();
    let mut out = EscoFile { concepts: Vec::with_capacity(t.rows.len()), skipped: 0 };
    for (_, row) in &t.rows {
        let (Ok(u), l) = (EscoUri::parse(cell(row, Some(uri))), cell(row, Some(label))) else {
            out.skipped += 1;
            continue;
        };
        if l.is_empty() {
            out.skipped += 1;
            continue;
        }
        let d = cell(row, description);
        out.concepts.push(EscoConcept {
            uri: u.into_inner(),
            label: cut(l, MAX_LABEL),
            alt_labels: cell(row, alt)
                .split(['\n', '|'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .take(50)
                .map(|a| cut(a, MAX_LABEL))
                .collect(),
            description: (!d.is_empty()).then(|| cut(d, MAX_DESCRIPTION)),
        });
    }
    if out.concepts.is_empty() {
        return Err(EscoFileProblem::NoSkills);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab,skill/competence,sector-specific,beheren van muziekpersoneel,\"muziekpersoneel beheren\nmuziekpersoneel leiden\",,released,2023-11-30,,,,Taken toewijzen en beheren.\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/not-a-uuid,skill/competence,,kapot,,,released,,,,,\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/00064735-8fad-454b-90c7-ed858cc993f2,skill/competence,,,,,released,,,,,\n\
KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/000709ed-2be5-4193-b056-45a97698d828,knowledge,,Wmo-wetgeving,,,released,,,,,\n";

    #[test]
    fn an_esco_file_gives_its_skills_with_their_other_labels_and_skips_the_rest() {
        let f = read(FILE.as_bytes()).unwrap();
        assert_eq!(f.concepts.len(), 2);
        assert_eq!(f.skipped, 2);
        let c = &f.concepts[0];
        assert_eq!(c.uri, "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab");
        assert_eq!(c.label, "beheren van muziekpersoneel");
        assert_eq!(c.alt_labels, vec!["muziekpersoneel beheren", "muziekpersoneel leiden"]);
        assert_eq!(c.description.as_deref(), Some("Taken toewijzen en beheren."));
        assert_eq!(f.concepts[1].description, None);
    }

    #[test]
    fn a_file_without_the_esco_columns_or_skills_is_refused() {
        let e = read(b"email,name\na@b.nl,A\n").unwrap_err();
        assert!(matches!(e, EscoFileProblem::MissingColumn { column: "conceptUri", .. }), "{e:?}");
        let e = read(b"conceptUri,preferredLabel\nhttp://example.org/x,iets\n").unwrap_err();
        assert_eq!(e, EscoFileProblem::NoSkills);
        assert!(matches!(read(b"").unwrap_err(), EscoFileProblem::File(_)));
    }
}
