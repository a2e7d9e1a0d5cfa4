//! Vulnerability reports to the OCaml security team: the skeleton `osec report`
//! prints, with a section for every item the disclosure process (the README of
//! ocaml/security-advisories, "What is needed in a report about a security issue?")
//! asks reporters for: a brief description, whether to stay anonymous, a reproduction
//! with opam-installed packages, a CWE, a CVSS vector (its score computed here), the
//! CVE status, and the tools used to find the issue and to write the report (code
//! review, static analysis, fuzzing, LLMs). It adds what the responder asks next: the
//! affected versions, a fix if there is one, and the embargo.
//!
//! Values given on the command line are checked and filled in; everything else is
//! left as a [`DRAFT_MARKER`] line for the reporter to replace.

use std::fmt::Write as _;

use crate::draft::{DRAFT_MARKER, DraftError, severity_score};
use crate::model::Cwe;

/// Where reports go.
pub const SECURITY_ADDRESS: &str = "security@ocaml.org";

/// What the reporter already knows.
#[derive(Debug, Clone, Default)]
pub struct ReportRequest {
    /// The opam package.
    pub package: String,
    /// The versions found affected (as the reporter writes them).
    pub versions: Option<String>,
    /// The CVSS vector.
    pub cvss: Option<String>,
    /// CWE identifiers, `CWE-N`.
    pub cwes: Vec<String>,
}

/// The report skeleton, in Markdown (it reads as plain text in an e-mail too).
pub fn report_skeleton(request: &ReportRequest) -> Result<String, DraftError> {
    let invalid = |field: &str, value: &str, reason: String| DraftError::InvalidValue {
        field: field.to_owned(),
        value: value.to_owned(),
        reason,
    };
    let package = request.package.trim();
    if opam_model::PackageName::parse(package).is_err() {
        return Err(invalid(
            "--package",
            package,
            "not an opam package name (letters, digits and `-_+`, not only digits)".into(),
        ));
    }
    for cwe in &request.cwes {
        if cwe.parse::<Cwe>().is_err() {
            return Err(invalid("--cwe", cwe, "not a CWE identifier (CWE-N)".into()));
        }
    }
    let severity = match &request.cvss {
        Some(vector) => {
            if let Some(problem) = crate::lint::rules::invalid_cvss::vector_problem(vector) {
                return Err(invalid("--cvss", vector, problem));
            }
            let score = vector
                .parse::<cvss::Cvss>()
                .map(|parsed| severity_score(&parsed))
                .map_err(|err| invalid("--cvss", vector, err.to_string()))?;
            format!("- Vector: `{vector}`\n- Score: {score} (computed by osec from the vector)\n")
        }
        None => format!(
            "{DRAFT_MARKER}: the CVSS vector, such as\n`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`\n\
             (calculator: https://www.first.org/cvss/calculator/3.1); `osec report \
             --cvss VECTOR` computes its score.\n"
        ),
    };
    let cwe = if request.cwes.is_empty() {
        format!(
            "{DRAFT_MARKER}: the CWE identifier of the weakness, such as CWE-22\n\
             (https://cwe.mitre.org/).\n"
        )
    } else {
        request
            .cwes
            .iter()
            .map(|c| format!("- {c}\n"))
            .collect::<String>()
    };
    let versions = request.versions.clone().unwrap_or_else(|| {
        format!(
            "{DRAFT_MARKER}: the versions you tested, and since when it is affected if you know"
        )
    });
    let version_to_install = if request.versions.is_some() {
        "VERSION  # one of the affected versions above".to_owned()
    } else {
        format!("VERSION  # {DRAFT_MARKER}: a version you found affected")
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "To: {SECURITY_ADDRESS}\n\
         Subject: Security issue in the opam package {package}\n\
         \n\
         (Or open a private report at\n\
         https://github.com/ocaml/security-advisories/security/advisories/new.\n\
         Replace every {DRAFT_MARKER} line; leave a section empty if you do not know.)\n\
         \n\
         # Security issue in {package}\n\
         \n\
         ## Package and versions\n\
         \n\
         - Package: {package} (opam)\n\
         - Affected versions: {versions}\n\
         - Fixed versions, if any: {DRAFT_MARKER}\n\
         \n\
         ## Description\n\
         \n\
         {DRAFT_MARKER}: a brief description: what an attacker controls, what happens,\n\
         under which conditions, and which functions are affected (Module.value).\n\
         \n\
         ## Reproduction with opam-installed packages\n\
         \n\
         ```sh\n\
         opam switch create osec-report ocaml-base-compiler  # {DRAFT_MARKER}: the compiler version\n\
         eval $(opam env --switch=osec-report)\n\
         opam install {package}.{version_to_install}\n\
         # {DRAFT_MARKER}: the program, input and commands that show the issue\n\
         ```\n\
         \n\
         Expected: {DRAFT_MARKER}\n\
         Observed: {DRAFT_MARKER}\n\
         \n\
         ## Weakness (CWE)\n\
         \n\
         {cwe}\
         \n\
         ## Severity (CVSS)\n\
         \n\
         {severity}\
         \n\
         ## CVE\n\
         \n\
         - [ ] I have requested a CVE identifier: {DRAFT_MARKER} (CVE-YYYY-NNNN, or pending with whom)\n\
         - [ ] Please request one for this issue\n\
         \n\
         ## Your name in the advisory\n\
         \n\
         - [ ] Credit me in the advisory as: {DRAFT_MARKER}\n\
         - [ ] Tell the maintainers who I am, but not the public\n\
         - [ ] Keep me anonymous, also towards the maintainers\n\
         \n\
         ## Tools used\n\
         \n\
         For finding the issue, and for writing this report (say which, and how):\n\
         \n\
         - Code review: {DRAFT_MARKER}\n\
         - Static analysis (tool and version): {DRAFT_MARKER}\n\
         - Fuzzing (tool): {DRAFT_MARKER}\n\
         - LLM or other AI assistance (model, and for what): {DRAFT_MARKER}\n\
         \n\
         ## Fix and disclosure\n\
         \n\
         - A patch or suggested fix, if you have one: {DRAFT_MARKER}\n\
         - Can you test a fix before release? {DRAFT_MARKER}\n\
         - The usual embargo is 90 days, shorter once a fix is released. Dates that\n\
         \x20 matter on your side (a talk, a paper, other vendors): {DRAFT_MARKER}\n"
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_named() {
        let request = |package: &str, cvss: Option<&str>, cwe: &str| ReportRequest {
            package: package.into(),
            versions: None,
            cvss: cvss.map(str::to_owned),
            cwes: vec![cwe.into()],
        };
        let error = |r: ReportRequest| report_skeleton(&r).unwrap_err().to_string();
        assert!(error(request("Not A Name", None, "CWE-1")).starts_with("--package `Not A Name`"));
        assert!(error(request("pkg", None, "22")).starts_with("--cwe `22`"));
        assert!(
            error(request("pkg", Some("CVSS:3.1/AV:X"), "CWE-1"))
                .starts_with("--cvss `CVSS:3.1/AV:X`")
        );
    }
}
