//! Report language: English or Dutch (Dutch public bodies are primary
//! users; the terms follow the Algoritmekader: herleidbaarheid,
//! koppelbaarheid, deduceerbaarheid).

use serde::Serialize;

use crate::error::{Error, Result};

/// The language of headings, verdicts and explanations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// Parse `en` or `nl`.
    pub fn parse(s: &str) -> Result<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            _ => Err(Error::usage(format!("--lang must be en or nl, got '{s}'"))),
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// Pick the text of this language.
    pub fn tr(self, en: &'static str, nl: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Nl => nl,
        }
    }

    /// A number with this language's decimal mark.
    pub fn num(self, s: String) -> String {
        match self {
            Lang::En => s,
            Lang::Nl => s
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(Lang::parse("NL").unwrap(), Lang::Nl);
        assert!(Lang::parse("de").is_err());
        assert_eq!(Lang::Nl.num("1,234.5".into()), "1.234,5");
        assert_eq!(Lang::En.tr("yes", "ja"), "yes");
    }
}
