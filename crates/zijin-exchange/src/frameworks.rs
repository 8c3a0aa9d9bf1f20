//! Evaluation frameworks (考核评价指标体系): the `framework.toml` of a folder of
//! `data/frameworks/` ([`parse_framework_toml`]) and the built-in frameworks
//! compiled into the binary ([`BUILTIN_FRAMEWORKS`]), each with its iMeta and
//! its labelled synthetic iData, so evaluations run with nothing else installed.
//!
//! Every table rejects keys it does not know; errors name the line.

use serde::{Deserialize, Serialize};
use zijin_index::uncertainty::{AggregateInput, WeightsInput};
use zijin_index::{AggregateMethod, AggregateSpec, AnalysisSpec, Dataset, Framework, Spec};

use crate::index_files::{IndexFileError, parse_index_toml, read_framework, read_index_data};

/// A `framework.toml`: what the framework is, where it comes from, how it is
/// built (`[pipeline]`), how its rank uncertainty is measured (`[uncertainty]`,
/// else `[exit_rule.uncertainty]`), the exit rule and the demo-data label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkFile {
    pub code: String,
    pub version: String,
    pub name_zh: String,
    pub name_en: String,
    /// `park` or `institution`.
    pub unit_kind: String,
    pub rationale_zh: String,
    pub rationale_en: String,
    #[serde(default)]
    pub sources: Vec<FrameworkSource>,
    /// The pipeline, a `zijin index build` pipeline file's keys.
    #[serde(default)]
    pub pipeline: Option<Spec>,
    #[serde(default)]
    pub uncertainty: Option<UncertaintySettings>,
    #[serde(default)]
    pub exit_rule: Option<ExitRule>,
    pub demo: Option<DemoData>,
}

/// A source of the framework, with what was checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSource {
    pub title: String,
    pub publisher: String,
    pub year: i32,
    pub url_or_reference: String,
    pub note: String,
}

/// The rank-uncertainty analysis: `draws` runs seeded with `seed`, every
/// weight below the index perturbed by up to `weight_noise` (0.25 = ±25%),
/// and the aggregation drawn among `aggregations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySettings {
    pub draws: usize,
    pub seed: u64,
    pub weight_noise: f64,
    #[serde(default)]
    pub aggregations: Vec<AggregateMethod>,
}

impl UncertaintySettings {
    /// The engine's analysis: noisy weights, and the aggregation alternatives
    /// (each like the pipeline's, with another method).
    pub fn analysis(&self, pipeline: &Spec) -> AnalysisSpec {
        let nominal = pipeline.aggregate.clone().unwrap_or(AggregateSpec {
            method: AggregateMethod::Arithmetic,
            p: None,
            min_availability: 0.0,
            by_group: Default::default(),
        });
        AnalysisSpec {
            weights: (self.weight_noise > 0.0).then_some(WeightsInput {
                noise: self.weight_noise,
                levels: None,
                sets: None,
            }),
            aggregate: (!self.aggregations.is_empty()).then(|| AggregateInput {
                alternatives: self
                    .aggregations
                    .iter()
                    .map(|&method| AggregateSpec {
                        method,
                        p: None,
                        ..nominal.clone()
                    })
                    .collect(),
            }),
            ..AnalysisSpec::default()
        }
    }
}

/// The exit flag (退出预警) of the `nri` framework: see its `rule_en`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitRule {
    /// The iCode ranked (the index).
    pub index: String,
    pub bottom_n: u32,
    pub consecutive_years: u32,
    /// `p05` (the optimistic rank) or `p95`, `median`, `mean`, `nominal`.
    pub rank_uncertainty: String,
    #[serde(default)]
    pub grace_years: u32,
    #[serde(default)]
    pub min_units: u32,
    pub rule_zh: String,
    pub rule_en: String,
    pub uncertainty: Option<UncertaintySettings>,
}

/// The `[demo]` table: the label of the demo data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    pub synthetic: bool,
    pub data: String,
    pub generator: Option<String>,
    pub seed: Option<u64>,
    pub note_zh: String,
    pub note_en: String,
}

impl FrameworkFile {
    /// The uncertainty settings: `[uncertainty]`, else the exit rule's.
    pub fn uncertainty_settings(&self) -> Option<&UncertaintySettings> {
        self.uncertainty.as_ref().or_else(|| {
            self.exit_rule
                .as_ref()
                .and_then(|rule| rule.uncertainty.as_ref())
        })
    }
}

/// Reads a `framework.toml`. Unknown keys are errors; messages give the line.
pub fn parse_framework_toml(file: &str, text: &str) -> Result<FrameworkFile, IndexFileError> {
    parse_index_toml(file, text)
}

/// A framework compiled into the binary: its folder name and its files.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinFramework {
    /// The folder of `data/frameworks/` (`parks`, `nri`).
    pub key: &'static str,
    pub framework_toml: &'static str,
    pub imeta_csv: &'static [u8],
    /// The demo data (synthetic, labelled by `[demo]`).
    pub idata_csv: &'static [u8],
}

/// A built-in framework read and checked.
#[derive(Debug, Clone)]
pub struct LoadedFramework {
    pub key: String,
    pub file: FrameworkFile,
    /// The text of `framework.toml`, as it is.
    pub source_text: String,
    pub framework: Framework,
    pub data: Dataset,
}

impl BuiltinFramework {
    fn path(&self, name: &str) -> String {
        format!("data/frameworks/{}/{name}", self.key)
    }

    /// Parses the three files.
    pub fn load(&self) -> Result<LoadedFramework, IndexFileError> {
        let file = parse_framework_toml(&self.path("framework.toml"), self.framework_toml)?;
        let framework = read_framework(&self.path("iMeta.csv"), self.imeta_csv)?;
        let data = read_index_data(
            &self.path("iData.synthetic.csv"),
            self.idata_csv,
            &framework,
        )?;
        Ok(LoadedFramework {
            key: self.key.to_owned(),
            file,
            source_text: self.framework_toml.to_owned(),
            framework,
            data,
        })
    }
}

/// The built-in frameworks of `data/frameworks/`: the 15 parks of the
/// Nanjing High-tech Zone, and the yearly assessment of new R&D institutions.
/// Their data are synthetic (合成数据).
pub const BUILTIN_FRAMEWORKS: &[BuiltinFramework] = &[
    BuiltinFramework {
        key: "parks",
        framework_toml: include_str!("../../../data/frameworks/parks/framework.toml"),
        imeta_csv: include_bytes!("../../../data/frameworks/parks/iMeta.csv"),
        idata_csv: include_bytes!("../../../data/frameworks/parks/iData.synthetic.csv"),
    },
    BuiltinFramework {
        key: "nri",
        framework_toml: include_str!("../../../data/frameworks/nri/framework.toml"),
        imeta_csv: include_bytes!("../../../data/frameworks/nri/iMeta.csv"),
        idata_csv: include_bytes!("../../../data/frameworks/nri/iData.synthetic.csv"),
    },
];

/// The built-in framework with this key (`parks`) or code (`njhz-parks`).
pub fn builtin_framework(name: &str) -> Option<&'static BuiltinFramework> {
    BUILTIN_FRAMEWORKS.iter().find(|b| {
        b.key == name
            || parse_framework_toml("framework.toml", b.framework_toml)
                .is_ok_and(|f| f.code == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_frameworks_load_with_their_pipeline_and_uncertainty() {
        for builtin in BUILTIN_FRAMEWORKS {
            let loaded = builtin
                .load()
                .unwrap_or_else(|e| panic!("{}: {e}", builtin.key));
            let demo = loaded.file.demo.as_ref().expect("demo table");
            assert!(demo.synthetic);
            assert!(demo.note_zh.contains("合成数据"));
            let pipeline = loaded.file.pipeline.as_ref().expect("pipeline table");
            let settings = loaded.file.uncertainty_settings().expect("uncertainty");
            assert!(settings.draws > 0);
            let analysis = settings.analysis(pipeline);
            assert!(analysis.weights.is_some() && analysis.aggregate.is_some());
            assert!(!loaded.data.years().is_empty());
            zijin_index::Pipeline::new(
                &loaded.framework,
                &loaded.data.at_time(loaded.data.years()[0]),
                pipeline,
            )
            .unwrap();
        }
        let nri = builtin_framework("nj-nri-yearly").unwrap().load().unwrap();
        let rule = nri.file.exit_rule.expect("exit rule");
        assert_eq!((rule.bottom_n, rule.consecutive_years), (3, 2));
        assert_eq!(rule.rank_uncertainty, "p05");
        assert_eq!((rule.grace_years, rule.min_units), (2, 10));
        assert_eq!(builtin_framework("parks").unwrap().key, "parks");
        assert!(builtin_framework("nope").is_none());
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let text = BUILTIN_FRAMEWORKS[0].framework_toml.replace(
            "unit_kind = \"park\"",
            "unit_kind = \"park\"\nunit_kinds = 1",
        );
        let line = text
            .lines()
            .position(|l| l.starts_with("unit_kinds"))
            .unwrap()
            + 1;
        match parse_framework_toml("framework.toml", &text) {
            Err(IndexFileError::Problems(problems)) => {
                assert_eq!(problems[0].row, Some(line));
                assert!(problems[0].message.contains("unit_kinds"), "{problems:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
