//! The enterprise registry's use cases: importing registry files all or
//! nothing ([`Zijin::import_registry`]), reading the registry
//! ([`Zijin::registry`]) and one enterprise with its history
//! ([`Zijin::enterprise`]), and the counts computed from it behind the plan's
//! indicators `high_tech_enterprises` and `tech_smes`
//! ([`Zijin::computed_counts`], [`computed_counts`]).
//!
//! The computed counts are a series of their own: they are never stored as
//! observations, and a page that shows them beside a reported figure says
//! which is which (and that they are 合成数据 when synthetic enterprises were
//! counted).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zijin_domain::{LabelKind, Region, RegionCode, RegionKind, RegistryEntry, Uscc};
use zijin_exchange::{RegistryContext, RegistryInput};
use zijin_store::{
    EnterpriseHistory, FactYears, RegistryBatch, RegistryFilter, RegistryOutcome, Store,
};

use crate::{Actor, AppError, InputFile, Result, Zijin};

/// The plan's indicator counted from valid high-tech enterprise certificates.
pub const HIGH_TECH_ENTERPRISES: &str = "high_tech_enterprises";
/// The plan's indicator counted from S&T-based SME registrations.
pub const TECH_SMES: &str = "tech_smes";

/// The first fiscal year facts may be imported for.
pub const FIRST_FACT_YEAR: i32 = 2000;

/// What the counts computed from the registry are, for the pages that show them.
pub const COMPUTED_NOTE_ZH: &str = "由企业库计算：高新技术企业数为当年 12 月 31 日持有效高企证书的企业数；科技型中小企业数为当年入库登记有效的企业数。";
pub const COMPUTED_NOTE_EN: &str = "Computed from the enterprise registry: high-tech enterprises hold a valid certificate on 31 December of the year; S&T-based SMEs hold a registration valid in the year.";

/// The counts of one region computed from the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComputedCount {
    pub region: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub kind: RegionKind,
    /// Enterprises with a high-tech enterprise certificate (`hte`) valid on
    /// 31 December of the year.
    pub high_tech_enterprises: usize,
    /// Enterprises with an S&T-based SME registration (`tech_sme`) valid in
    /// the year.
    pub tech_smes: usize,
    /// How many of the enterprises counted are synthetic (合成数据).
    pub synthetic: usize,
}

impl ComputedCount {
    /// Whether synthetic enterprises were counted: the figures must then be
    /// shown as 合成数据.
    pub fn is_synthetic(&self) -> bool {
        self.synthetic > 0
    }
}

/// The counts behind `high_tech_enterprises` and `tech_smes` for one year, by
/// district and by park (in the regions' stored order), and for the whole
/// registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComputedCounts {
    pub year: i32,
    /// 31 December of the year: the day a certificate must be valid on.
    pub as_of: NaiveDate,
    pub districts: Vec<ComputedCount>,
    pub parks: Vec<ComputedCount>,
    /// Every enterprise of the registry, wherever it is.
    pub total_high_tech_enterprises: usize,
    pub total_tech_smes: usize,
    /// How many of the enterprises counted in the totals are synthetic.
    pub total_synthetic: usize,
    pub note_zh: &'static str,
    pub note_en: &'static str,
}

/// Counts, for `year`, the enterprises of each district and park (every
/// district and park of `regions`, with zeros where none is counted) that
/// hold a high-tech certificate valid on 31 December, or an S&T-based SME
/// registration valid in the year. An enterprise counted for both is in
/// both counts.
pub fn computed_counts(entries: &[RegistryEntry], regions: &[Region], year: i32) -> ComputedCounts {
    let as_of = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
    let count_for = |region: &Region| ComputedCount {
        region: region.code.clone(),
        name_zh: region.name_zh.clone(),
        name_en: region.name_en.clone(),
        kind: region.kind,
        high_tech_enterprises: 0,
        tech_smes: 0,
        synthetic: 0,
    };
    let mut districts: Vec<ComputedCount> = regions
        .iter()
        .filter(|region| region.kind == RegionKind::District)
        .map(count_for)
        .collect();
    let mut parks: Vec<ComputedCount> = regions
        .iter()
        .filter(|region| region.kind == RegionKind::Park)
        .map(count_for)
        .collect();
    let district_position: HashMap<RegionCode, usize> = districts
        .iter()
        .enumerate()
        .map(|(position, count)| (count.region.clone(), position))
        .collect();
    let park_position: HashMap<RegionCode, usize> = parks
        .iter()
        .enumerate()
        .map(|(position, count)| (count.region.clone(), position))
        .collect();
    let (mut total_hte, mut total_sme, mut total_synthetic) = (0, 0, 0);
    for entry in entries {
        let hte = entry.holds(LabelKind::Hte, as_of);
        let sme = entry
            .labels
            .iter()
            .any(|label| label.kind == LabelKind::TechSme && label.is_valid_in_year(year));
        if !hte && !sme {
            continue;
        }
        let synthetic = usize::from(entry.enterprise.synthetic);
        let add = |count: &mut ComputedCount| {
            count.high_tech_enterprises += usize::from(hte);
            count.tech_smes += usize::from(sme);
            count.synthetic += synthetic;
        };
        if let Some(&position) = district_position.get(&entry.enterprise.district) {
            add(&mut districts[position]);
        }
        if let Some(park) = &entry.enterprise.park
            && let Some(&position) = park_position.get(park)
        {
            add(&mut parks[position]);
        }
        total_hte += usize::from(hte);
        total_sme += usize::from(sme);
        total_synthetic += synthetic;
    }
    ComputedCounts {
        year,
        as_of,
        districts,
        parks,
        total_high_tech_enterprises: total_hte,
        total_tech_smes: total_sme,
        total_synthetic,
        note_zh: COMPUTED_NOTE_ZH,
        note_en: COMPUTED_NOTE_EN,
    }
}

impl<S: Store> Zijin<S> {
    /// Reads and checks registry files (see [`zijin_exchange::read_registry`])
    /// against the stored regions and enterprises and the years from
    /// [`FIRST_FACT_YEAR`] to the year of `actor.now`, then writes them in one
    /// transaction. Any problem in any file means nothing is written, and
    /// every problem is reported. The outcome counts new enterprises, new
    /// revisions and what was unchanged.
    pub async fn import_registry(
        &self,
        files: &[InputFile],
        actor: &Actor,
    ) -> Result<RegistryOutcome> {
        let regions = self.store().regions().await?;
        let stored: HashSet<Uscc> = self.store().enterprise_codes().await?.into_iter().collect();
        let context = RegistryContext {
            regions: &regions,
            stored: &stored,
            years: FIRST_FACT_YEAR..=actor.now.year(),
        };
        let inputs: Vec<RegistryInput<'_>> = files
            .iter()
            .map(|file| RegistryInput {
                name: &file.name,
                bytes: &file.bytes,
            })
            .collect();
        let data = zijin_exchange::read_registry(&inputs, &context)
            .map_err(|problems| AppError::InvalidInput { problems })?;
        let batch = RegistryBatch {
            files: files.iter().map(|file| file.name.clone()).collect(),
            digest: crate::digest(files),
            imported_by: actor.name.clone(),
            imported_at: actor.now,
            enterprises: data.enterprises,
            facts_and_labels: data.facts_and_labels,
        };
        Ok(self.store().save_registry(&batch).await?)
    }

    /// Every enterprise with its latest facts (those `filter` selects) and labels.
    pub async fn registry(&self, filter: &RegistryFilter) -> Result<Vec<RegistryEntry>> {
        Ok(self.store().registry(filter).await?)
    }

    /// One enterprise with every revision of its facts and labels.
    pub async fn enterprise(&self, uscc: &Uscc) -> Result<Option<EnterpriseHistory>> {
        Ok(self.store().enterprise(uscc).await?)
    }

    /// The counts behind `high_tech_enterprises` and `tech_smes` in `year`,
    /// by district and park, computed from the registry's labels.
    pub async fn computed_counts(&self, year: i32) -> Result<ComputedCounts> {
        let regions = self.store().regions().await?;
        let entries = self
            .store()
            .registry(&RegistryFilter {
                facts: FactYears::None,
            })
            .await?;
        Ok(computed_counts(&entries, &regions, year))
    }

    /// The computed counts of `year` beside the reported figures of the same
    /// year, region by region (districts, parks, then the city), for
    /// `high_tech_enterprises` and `tech_smes`: the computed series is never
    /// mixed into the reported one, only shown beside it with the difference.
    pub async fn computed_beside_reported(&self, year: i32) -> Result<ComputedBeside> {
        let counts = self.computed_counts(year).await?;
        // Every observation (a few thousand at most), the two codes picked below.
        let reported = self
            .observations(&zijin_store::ObservationFilter {
                indicators: Vec::new(),
                regions: Vec::new(),
            })
            .await?;
        let reported_value = |indicator: &str, region: &RegionCode| {
            reported
                .iter()
                .filter(|record| {
                    record.observation.indicator.as_str() == indicator
                        && &record.observation.region == region
                        && record.observation.period == zijin_domain::Period::Year(year)
                })
                .map(|record| record.observation.value)
                .next()
        };
        let mut rows: Vec<BesideRow> = counts
            .districts
            .iter()
            .chain(&counts.parks)
            .map(|count| BesideRow {
                region: count.region.clone(),
                name_zh: count.name_zh.clone(),
                name_en: count.name_en.clone(),
                kind: count.kind,
                high_tech_enterprises: count.high_tech_enterprises,
                reported_high_tech_enterprises: reported_value(
                    HIGH_TECH_ENTERPRISES,
                    &count.region,
                ),
                tech_smes: count.tech_smes,
                reported_tech_smes: reported_value(TECH_SMES, &count.region),
                synthetic: count.synthetic,
            })
            .collect();
        if let Some(city) = self
            .store()
            .regions()
            .await?
            .into_iter()
            .find(|region| region.parent.is_none())
        {
            rows.push(BesideRow {
                reported_high_tech_enterprises: reported_value(HIGH_TECH_ENTERPRISES, &city.code),
                reported_tech_smes: reported_value(TECH_SMES, &city.code),
                region: city.code,
                name_zh: city.name_zh,
                name_en: city.name_en,
                kind: city.kind,
                high_tech_enterprises: counts.total_high_tech_enterprises,
                tech_smes: counts.total_tech_smes,
                synthetic: counts.total_synthetic,
            });
        }
        Ok(ComputedBeside { counts, rows })
    }
}

impl<S: Store> Zijin<S> {
    /// The latest year, up to `up_to`, with a reported figure of `indicator`
    /// for any region.
    pub async fn latest_reported_year(&self, indicator: &str, up_to: i32) -> Result<Option<i32>> {
        let observations = self
            .observations(&zijin_store::ObservationFilter {
                indicators: Vec::new(),
                regions: Vec::new(),
            })
            .await?;
        Ok(observations
            .iter()
            .filter(|record| record.observation.indicator.as_str() == indicator)
            .filter_map(|record| match record.observation.period {
                zijin_domain::Period::Year(year) if year <= up_to => Some(year),
                _ => None,
            })
            .max())
    }
}

/// [`Zijin::computed_beside_reported`]: the counts and one row per region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComputedBeside {
    pub counts: ComputedCounts,
    /// Districts, parks, then the city (the whole registry).
    pub rows: Vec<BesideRow>,
}

/// One region's computed counts and the figures reported for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BesideRow {
    pub region: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub kind: RegionKind,
    pub high_tech_enterprises: usize,
    pub reported_high_tech_enterprises: Option<f64>,
    pub tech_smes: usize,
    pub reported_tech_smes: Option<f64>,
    /// How many of the enterprises counted are synthetic (合成数据).
    pub synthetic: usize,
}

impl BesideRow {
    /// The computed and reported figures of `indicator` (one of
    /// [`HIGH_TECH_ENTERPRISES`], [`TECH_SMES`]), and computed − reported
    /// when both exist.
    pub fn of(&self, indicator: &str) -> Option<(usize, Option<f64>, Option<f64>)> {
        let (computed, reported) = match indicator {
            HIGH_TECH_ENTERPRISES => (
                self.high_tech_enterprises,
                self.reported_high_tech_enterprises,
            ),
            TECH_SMES => (self.tech_smes, self.reported_tech_smes),
            _ => return None,
        };
        Some((
            computed,
            reported,
            reported.map(|reported| computed as f64 - reported),
        ))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use zijin_domain::{Enterprise, Fact, FactValue, IndustrialChain, Label};
    use zijin_store::SqliteStore;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn actor() -> Actor {
        Actor {
            name: "tester".to_owned(),
            now: Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).unwrap(),
        }
    }

    fn file(name: &str, text: &str) -> InputFile {
        InputFile {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    const ENTERPRISES: &str = "统一社会信用代码,企业名称,注册日期,所在区,所在园区,产业链\n\
        91320115MA1MXY7K3A,南京示例芯片有限公司,2016-05-20,320115,NJHZ-03,集成电路\n\
        91320102MA1NBC2D45,南京示例软件有限公司,2019-03-01,320102,,software\n";
    const FACTS: &str = "uscc,year,revenue,employees,major_violation\n\
        91320115MA1MXY7K3A,2023,15000000.50,150,否\n\
        91320102MA1NBC2D45,2023,800000,25,否\n";
    const LABELS: &str = "uscc,kind,valid_from\n\
        91320115MA1MXY7K3A,hte,2022-11-30\n\
        91320102MA1NBC2D45,tech_sme,2024-04-15\n";

    async fn app() -> (tempfile::TempDir, Zijin<SqliteStore>) {
        let directory = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&directory.path().join("registry.db"))
            .await
            .unwrap();
        let app = Zijin::new(store);
        app.init(&actor()).await.unwrap();
        (directory, app)
    }

    #[tokio::test]
    async fn an_import_is_all_or_nothing_and_counts_what_it_wrote() {
        let (_directory, app) = app().await;
        // One bad cell in one file: nothing at all is written.
        let bad_facts = FACTS.replace("800000", "-800000");
        let error = app
            .import_registry(
                &[
                    file("企业.csv", ENTERPRISES),
                    file("年度数据.csv", &bad_facts),
                    file("资质.csv", LABELS),
                ],
                &actor(),
            )
            .await
            .unwrap_err();
        match &error {
            AppError::InvalidInput { problems } => {
                assert_eq!(problems.len(), 1, "{error}");
                assert_eq!(problems[0].file, "年度数据.csv");
                assert_eq!(problems[0].row, Some(3));
            }
            other => panic!("{other}"),
        }
        assert_eq!(app.store().enterprise_count().await.unwrap(), 0);
        assert!(app.store().registry_imports().await.unwrap().is_empty());

        let files = [
            file("企业.csv", ENTERPRISES),
            file("年度数据.csv", FACTS),
            file("资质.csv", LABELS),
        ];
        let outcome = app.import_registry(&files, &actor()).await.unwrap();
        assert!(outcome.import_id.is_some());
        assert_eq!(
            (
                outcome.enterprises_added,
                outcome.facts_added,
                outcome.labels_added
            ),
            (2, 6, 2)
        );
        let again = app.import_registry(&files, &actor()).await.unwrap();
        assert_eq!(
            (
                again.import_id,
                again.facts_unchanged,
                again.labels_unchanged
            ),
            (None, 6, 2)
        );

        // A later file revises one fact of a stored enterprise, without the
        // enterprises table.
        let revised = "uscc,year,revenue\n91320102MA1NBC2D45,2023,900000\n";
        let outcome = app
            .import_registry(&[file("更正.csv", revised)], &actor())
            .await
            .unwrap();
        assert_eq!((outcome.facts_revised, outcome.facts_added), (1, 0));
        let code = Uscc::parse("91320102MA1NBC2D45").unwrap();
        let history = app.enterprise(&code).await.unwrap().unwrap();
        let revenue: Vec<String> = history
            .facts
            .iter()
            .filter(|fact| fact.fact == Fact::Revenue)
            .map(|fact| fact.value.text())
            .collect();
        assert_eq!(revenue, ["800000", "900000"]);
        // Facts for a year after the import's own year are refused.
        let future = "uscc,year,revenue\n91320102MA1NBC2D45,2026,1\n";
        assert!(
            app.import_registry(&[file("未来.csv", future)], &actor())
                .await
                .is_err()
        );

        let counts = app.computed_counts(2024).await.unwrap();
        assert_eq!(
            (counts.total_high_tech_enterprises, counts.total_tech_smes),
            (1, 1)
        );
        let jiangning = counts
            .districts
            .iter()
            .find(|count| count.region.as_str() == "320115")
            .unwrap();
        assert_eq!(
            (jiangning.high_tech_enterprises, jiangning.tech_smes),
            (1, 0)
        );
        assert!(!jiangning.is_synthetic());
        let park = counts
            .parks
            .iter()
            .find(|count| count.region.as_str() == "NJHZ-03")
            .unwrap();
        assert_eq!(park.high_tech_enterprises, 1);
        assert_eq!(counts.districts.len(), 11);
        assert_eq!(counts.parks.len(), 15);
    }

    #[tokio::test]
    async fn the_demo_gets_the_synthetic_registry_once() {
        let directory = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&directory.path().join("demo.db"))
            .await
            .unwrap();
        let app = Zijin::new(store);
        let actor = Actor {
            name: crate::demo::DEMO_ACTOR.to_owned(),
            now: actor().now,
        };
        let first = crate::demo::build(&app, &actor).await.unwrap();
        let size = crate::registry_synth::REGISTRY_SIZE;
        assert_eq!(first.registry.enterprises_added, size);
        assert!(first.registry.facts_added > size * 40);
        assert_eq!(app.store().enterprise_count().await.unwrap(), size);
        let imports = app.store().registry_imports().await.unwrap();
        assert_eq!(imports.len(), 1);
        assert!(imports[0].imported_by.contains("synthetic"));
        assert!(imports[0].files[0].starts_with("synthetic:"));

        let counts = app.computed_counts(2024).await.unwrap();
        assert!((10_000..=13_000).contains(&counts.total_high_tech_enterprises));
        assert!((20_000..=25_000).contains(&counts.total_tech_smes));
        // Every enterprise counted is synthetic, in every district's count.
        for count in counts.districts.iter().chain(&counts.parks) {
            assert!(count.is_synthetic(), "{count:?}");
            assert!(count.synthetic >= count.high_tech_enterprises.max(count.tech_smes));
        }
        let district_sum: usize = counts
            .districts
            .iter()
            .map(|count| count.high_tech_enterprises)
            .sum();
        assert_eq!(district_sum, counts.total_high_tech_enterprises);

        // Building the demo again leaves the registry as it is.
        let second = crate::demo::build(&app, &actor).await.unwrap();
        assert_eq!(second.registry.import_id, None);
        assert_eq!(app.store().registry_imports().await.unwrap().len(), 1);
    }

    fn entry(
        code: &str,
        district: &str,
        park: Option<&str>,
        synthetic: bool,
        labels: Vec<Label>,
    ) -> RegistryEntry {
        RegistryEntry {
            enterprise: Enterprise {
                uscc: Uscc::parse(code).unwrap(),
                name: code.to_owned(),
                registration_date: date("2010-01-01"),
                district: RegionCode::new(district).unwrap(),
                park: park.map(|park| RegionCode::new(park).unwrap()),
                chain: IndustrialChain::Ai,
                synthetic,
            },
            facts: vec![zijin_domain::YearFact {
                year: 2023,
                fact: Fact::Listed,
                value: FactValue::Bool(false),
            }],
            labels,
        }
    }

    fn label(kind: LabelKind, from: &str) -> Label {
        Label::new(kind, date(from), None, None, "test").unwrap()
    }

    #[test]
    fn certificates_count_on_31_december_and_registrations_in_the_year() {
        let regions = zijin_exchange::parse_regions(
            zijin_exchange::NANJING_REGIONS,
            "data/nanjing/regions.toml",
        )
        .unwrap();
        let entries = vec![
            // Issued 2021-11-30, valid to 2024-11-29: counted for 2023, not 2024.
            entry(
                "91110000710925462X",
                "320115",
                Some("NJHZ-03"),
                false,
                vec![label(LabelKind::Hte, "2021-11-30")],
            ),
            // Renewed on 2024-12-02: counted for 2024 again.
            entry(
                "914403001922038216",
                "320115",
                None,
                true,
                vec![
                    label(LabelKind::Hte, "2021-11-30"),
                    label(LabelKind::Hte, "2024-12-02"),
                    label(LabelKind::TechSme, "2024-06-01"),
                ],
            ),
            // Registered as an SME in 2023 only; a certificate issued on
            // 1 January 2025 does not count for 2024.
            entry(
                "91110000625905205U",
                "320102",
                None,
                true,
                vec![
                    label(LabelKind::TechSme, "2023-03-01"),
                    label(LabelKind::Hte, "2025-01-01"),
                ],
            ),
            // Other labels count for nothing.
            entry(
                "91100000100003962T",
                "320102",
                None,
                false,
                vec![label(LabelKind::Zjtx, "2023-01-01")],
            ),
        ];
        let check = |year: i32, expected: [(&str, usize, usize, usize); 3], totals| {
            let counts = computed_counts(&entries, &regions, year);
            assert_eq!(counts.as_of, NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
            let found = |code: &str| {
                counts
                    .districts
                    .iter()
                    .chain(&counts.parks)
                    .find(|count| count.region.as_str() == code)
                    .map(|count| {
                        (
                            count.high_tech_enterprises,
                            count.tech_smes,
                            count.synthetic,
                        )
                    })
                    .unwrap()
            };
            for (code, hte, sme, synthetic) in expected {
                assert_eq!(found(code), (hte, sme, synthetic), "{year} {code}");
            }
            assert_eq!(
                (
                    counts.total_high_tech_enterprises,
                    counts.total_tech_smes,
                    counts.total_synthetic
                ),
                totals,
                "{year}"
            );
            // Every district and park is listed, with zeros where nothing counts.
            assert_eq!(found("320118"), (0, 0, 0));
        };
        check(
            2023,
            [
                ("320115", 2, 0, 1),
                ("NJHZ-03", 1, 0, 0),
                ("320102", 0, 1, 1),
            ],
            (2, 1, 2),
        );
        check(
            2024,
            [
                ("320115", 1, 1, 1),
                ("NJHZ-03", 0, 0, 0),
                ("320102", 0, 0, 0),
            ],
            (1, 1, 1),
        );
    }
}
