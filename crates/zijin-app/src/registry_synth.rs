//! A synthetic enterprise registry for the demo (合成数据): about 30,000
//! enterprises at Nanjing's scale, spread over the plan's districts (the big
//! ones weigh more) and the high-tech zone's parks, with yearly facts for
//! 2019–2024 and labels, so that the city has some 10–13 thousand valid
//! high-tech enterprise certificates at the end of 2024 and some 20–25
//! thousand S&T-based SME registrations in 2024, the plan's order of
//! magnitude. They are not real enterprises and do not follow the rules of
//! any policy exactly.
//!
//! Everything says it is synthetic: every enterprise has `synthetic = true`
//! and a name starting with [`SYNTHETIC_NAME_PREFIX`] `（合成）`, and every
//! label has the source [`SYNTHETIC_SOURCE`]. Credit codes are well formed:
//! `91`, the district's GB/T 2260 code, `MA`, seven characters made from the
//! enterprise's number (so that no two collide) and the check character.
//!
//! The generation is deterministic: one ChaCha stream seeded with the seed,
//! drawn in one order, whatever the machine.

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};
use rust_decimal::Decimal;
use zijin_domain::{
    Enterprise, EnterpriseFactsAndLabels, Fact, FactValue, IndustrialChain, Label, LabelKind,
    Region, RegionCode, RegionKind, Uscc, UsccError, YearFact,
};
use zijin_exchange::RegistryData;

/// The seed of the demo's synthetic registry.
pub const REGISTRY_SEED: u64 = 20_240_101;

/// How many enterprises the demo's registry has.
pub const REGISTRY_SIZE: usize = 30_000;

/// The first and last fiscal years with facts.
pub const FIRST_YEAR: i32 = 2019;
pub const LAST_YEAR: i32 = 2024;

/// Every synthetic enterprise's name starts with this.
pub const SYNTHETIC_NAME_PREFIX: &str = "（合成）";

/// The source of every synthetic label, and the file name of the import.
pub const SYNTHETIC_SOURCE: &str = "Zijin 合成数据生成器：企业库 v1（synthetic registry generator v1）：演示用，非真实企业 / for demonstration, not real enterprises";

/// How much more likely an enterprise is to be registered in a district, by
/// GB/T 2260 code (other districts weigh 1).
const DISTRICT_WEIGHTS: [(&str, f64); 11] = [
    ("320115", 5.0), // 江宁区
    ("320114", 3.0), // 雨花台区
    ("320113", 2.8), // 栖霞区
    ("320106", 2.6), // 鼓楼区
    ("320102", 2.2), // 玄武区
    ("320111", 2.2), // 浦口区
    ("320105", 2.0), // 建邺区
    ("320104", 1.5), // 秦淮区
    ("320116", 1.2), // 六合区
    ("320117", 1.0), // 溧水区
    ("320118", 0.8), // 高淳区
];

/// Parks whose name does not name their district, by code (the others are
/// found by name: 江宁园 is in 江宁区).
const PARK_DISTRICTS: [(&str, &str); 3] = [
    ("NJHZ-01", "320111"), // 江北新区高新园: 浦口区
    ("NJHZ-02", "320113"), // 新港高新园: 栖霞区
    ("NJHZ-08", "320115"), // 麒麟园: 江宁区
];

/// The share of a district's enterprises in its parks, when it has any.
const PARK_SHARE: f64 = 0.45;

/// Chains and how common they are.
const CHAIN_WEIGHTS: [(IndustrialChain, f64); 8] = [
    (IndustrialChain::Software, 0.26),
    (IndustrialChain::SmartEquipment, 0.18),
    (IndustrialChain::Ai, 0.12),
    (IndustrialChain::Biomed, 0.12),
    (IndustrialChain::SmartGrid, 0.10),
    (IndustrialChain::Nev, 0.09),
    (IndustrialChain::Ic, 0.08),
    (IndustrialChain::Rail, 0.05),
];

/// Words of the synthetic names.
const BRAND_FIRST: [&str; 24] = [
    "紫", "钟", "秦", "金", "玄", "栖", "雨", "江", "宁", "石", "梅", "莫", "燕", "鸡", "牛", "汤",
    "龙", "凤", "麒", "麟", "桥", "汉", "扬", "新",
];
const BRAND_SECOND: [&str; 24] = [
    "峰", "山", "淮", "陵", "武", "霞", "花", "宁", "海", "城", "园", "愁", "子", "鸣", "首", "泉",
    "蟠", "凰", "湖", "州", "源", "创", "智", "元",
];

fn chain_words(chain: IndustrialChain) -> &'static [&'static str] {
    match chain {
        IndustrialChain::Software => &["软件", "信息技术", "数据科技", "网络科技"],
        IndustrialChain::Nev => &["新能源汽车", "动力电池", "电驱科技"],
        IndustrialChain::Biomed => &["生物医药", "医疗器械", "生命科技"],
        IndustrialChain::Ic => &["微电子", "半导体", "芯片科技"],
        IndustrialChain::Ai => &["智能科技", "人工智能", "机器人"],
        IndustrialChain::SmartGrid => &["电力科技", "智能电网", "能源技术"],
        IndustrialChain::Rail => &["轨道交通", "轨道装备"],
        IndustrialChain::SmartEquipment => &["智能装备", "精密机械", "自动化"],
    }
}

/// The R&D intensity a chain tends to have, as the median of a log-normal.
fn chain_rd_median(chain: IndustrialChain) -> f64 {
    match chain {
        IndustrialChain::Ic | IndustrialChain::Ai | IndustrialChain::Biomed => 0.07,
        IndustrialChain::Software => 0.06,
        _ => 0.04,
    }
}

/// The 31 characters of the credit code.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A well-formed credit code: `91`, the area code, `MA`, seven characters
/// from `number` (a bijection on 0..31⁷, so numbers never collide) and the
/// check character, which the parser names when given a wrong one.
fn credit_code(area: &str, number: u64) -> Uscc {
    const SPACE: u64 = 31u64.pow(7);
    // A multiplier coprime with 31 scatters consecutive numbers.
    let mut rest = (number.wrapping_mul(2_654_435_761) % SPACE + SPACE) % SPACE;
    let mut tail = [b'0'; 7];
    for slot in tail.iter_mut().rev() {
        *slot = ALPHABET[(rest % 31) as usize];
        rest /= 31;
    }
    let body = format!(
        "91{area}MA{}",
        std::str::from_utf8(&tail).expect("ASCII characters")
    );
    match Uscc::parse(&format!("{body}0")) {
        Ok(code) => code,
        Err(UsccError::CheckCharacter { expected, .. }) => {
            Uscc::parse(&format!("{body}{expected}")).expect("the check character it asked for")
        }
        Err(other) => unreachable!("a generated code is well formed: {other}"),
    }
}

/// A district with its weight and the parks in it.
struct Place<'a> {
    district: &'a Region,
    weight: f64,
    parks: Vec<&'a Region>,
}

fn places(regions: &[Region]) -> Vec<Place<'_>> {
    let districts: Vec<&Region> = regions
        .iter()
        .filter(|region| region.kind == RegionKind::District)
        .collect();
    let mut places: Vec<Place<'_>> = districts
        .iter()
        .map(|district| Place {
            district,
            weight: DISTRICT_WEIGHTS
                .iter()
                .find(|(code, _)| *code == district.code.as_str())
                .map_or(1.0, |(_, weight)| *weight),
            parks: Vec::new(),
        })
        .collect();
    for park in regions
        .iter()
        .filter(|region| region.kind == RegionKind::Park)
    {
        let by_table = PARK_DISTRICTS
            .iter()
            .find(|(code, _)| *code == park.code.as_str())
            .and_then(|(_, district)| {
                places
                    .iter()
                    .position(|place| place.district.code.as_str() == *district)
            });
        let by_name = || {
            places.iter().position(|place| {
                let short = place.district.name_zh.trim_end_matches('区');
                !short.is_empty() && park.name_zh.contains(short)
            })
        };
        // A park found nowhere goes to the biggest district.
        let position = by_table.or_else(by_name).or_else(|| {
            (0..places.len()).max_by(|a, b| places[*a].weight.total_cmp(&places[*b].weight))
        });
        if let Some(position) = position {
            places[position].parks.push(park);
        }
    }
    places
}

/// Picks an index with probability proportional to its weight.
fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut draw = rng.random_range(0.0..total);
    for (index, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    weights.len() - 1
}

fn yuan(amount: f64) -> FactValue {
    FactValue::Decimal(Decimal::from(amount.max(0.0).round() as i64))
}

fn day_in(rng: &mut ChaCha8Rng, year: i32, months: std::ops::RangeInclusive<u32>) -> NaiveDate {
    let month = rng.random_range(months);
    let day = rng.random_range(1..=28);
    NaiveDate::from_ymd_opt(year, month, day).expect("days 1 to 28 exist in every month")
}

/// The facts and labels of one synthetic enterprise.
struct Generated {
    enterprise: Enterprise,
    facts: Vec<YearFact>,
    labels: Vec<Label>,
}

/// Generates `size` synthetic enterprises in the districts and parks of
/// `regions`. Deterministic for a given seed, size and region list. Without
/// a district among the regions, there is nothing to generate.
pub fn generate(regions: &[Region], size: usize, seed: u64) -> RegistryData {
    let places = places(regions);
    if places.is_empty() {
        return RegistryData::default();
    }
    let weights: Vec<f64> = places.iter().map(|place| place.weight).collect();
    let chain_weights: Vec<f64> = CHAIN_WEIGHTS.iter().map(|(_, weight)| *weight).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut data = RegistryData {
        enterprises: Vec::with_capacity(size),
        facts_and_labels: Vec::with_capacity(size),
    };
    for number in 0..size {
        let place = &places[weighted(&mut rng, &weights)];
        let park = (!place.parks.is_empty() && rng.random_bool(PARK_SHARE))
            .then(|| place.parks[rng.random_range(0..place.parks.len())]);
        let chain = CHAIN_WEIGHTS[weighted(&mut rng, &chain_weights)].0;
        let generated = enterprise(&mut rng, number as u64, place.district, park, chain);
        data.facts_and_labels.push(EnterpriseFactsAndLabels {
            uscc: generated.enterprise.uscc.clone(),
            facts: generated.facts,
            labels: generated.labels,
        });
        data.enterprises.push(generated.enterprise);
    }
    data
}

fn enterprise(
    rng: &mut ChaCha8Rng,
    number: u64,
    district: &Region,
    park: Option<&Region>,
    chain: IndustrialChain,
) -> Generated {
    let area = if district.code.as_str().len() == 6
        && district.code.as_str().bytes().all(|b| b.is_ascii_digit())
    {
        district.code.as_str()
    } else {
        "320100"
    };
    let uscc = credit_code(area, number);
    // Young enterprises are the most numerous: ages are roughly exponential.
    let age = (-rng.random_range(f64::EPSILON..1.0f64).ln() * 9.0).floor() as i32;
    let registration_year = (LAST_YEAR - age).max(1995);
    let registration_date = day_in(rng, registration_year, 1..=12);
    let words = chain_words(chain);
    let name = format!(
        "{SYNTHETIC_NAME_PREFIX}南京{}{}{}有限公司",
        BRAND_FIRST[rng.random_range(0..BRAND_FIRST.len())],
        BRAND_SECOND[rng.random_range(0..BRAND_SECOND.len())],
        words[rng.random_range(0..words.len())]
    );
    let enterprise = Enterprise {
        uscc,
        name,
        registration_date,
        district: district.code.clone(),
        park: park.map(|park| park.code.clone()),
        chain,
        synthetic: true,
    };

    // What the enterprise is like, for all its years.
    let normal = |mean: f64, sd: f64| Normal::new(mean, sd).expect("a valid normal");
    let log_normal =
        |median: f64, sigma: f64| LogNormal::new(median.ln(), sigma).expect("a valid log-normal");
    let mature_revenue = log_normal(2.0e7, 1.3).sample(rng).clamp(3.0e5, 5.0e9);
    let growth = normal(0.12, 0.15).sample(rng).clamp(-0.3, 0.8);
    let rd_intensity = log_normal(chain_rd_median(chain), 0.6)
        .sample(rng)
        .clamp(0.002, 0.15);
    let revenue_per_head = log_normal(8.0e5, 0.5).sample(rng);
    let st_share = rng.random_range(0.08..0.6);
    let high_tech_share = rng.random_range(0.3..0.95);
    let asset_ratio = rng.random_range(0.6..2.5);
    let net_ratio = rng.random_range(0.3..0.75);
    let cost_ratio = rng.random_range(0.75..1.05);
    let financed = rng.random_bool(0.12);
    let evaluated_zjtx = rng.random_bool(0.4);
    let listed = mature_revenue > 5.0e8 && rng.random_bool(0.3);

    let mut facts = Vec::new();
    let mut sme_eligible_by_year = Vec::new();
    let first_year = registration_year.max(FIRST_YEAR);
    for year in first_year..=LAST_YEAR {
        let ramp = f64::from((year - registration_year + 1).min(3)) / 3.0;
        let trend = (1.0 + growth).powi(year - LAST_YEAR);
        let revenue = (mature_revenue * trend * ramp * normal(1.0, 0.08).sample(rng).max(0.5))
            .clamp(1.0e5, 8.0e9);
        let rd =
            (revenue * rd_intensity * normal(1.0, 0.1).sample(rng).max(0.5)).min(revenue * 0.15);
        let employees = (revenue / revenue_per_head).round().max(3.0) as i64;
        let st_staff = ((employees as f64) * st_share).round().max(1.0) as i64;
        let total_assets = revenue * asset_ratio;
        let class1 = Poisson::new(rd / 2.0e6 + 0.05)
            .map_or(0.0, |poisson| poisson.sample(rng))
            .min(50.0) as i64;
        let class2 = Poisson::new(1.0 + rd / 5.0e5)
            .map_or(0.0, |poisson| poisson.sample(rng))
            .min(300.0) as i64;
        let score = (50.0 + 300.0 * rd_intensity + normal(0.0, 8.0).sample(rng))
            .round()
            .clamp(20.0, 98.0) as i64;
        let mut push = |fact: Fact, value: FactValue| facts.push(YearFact { year, fact, value });
        push(Fact::Revenue, yuan(revenue));
        push(Fact::RdExpense, yuan(rd));
        push(
            Fact::RdExpenseDomestic,
            yuan(rd * rng.random_range(0.85..1.0)),
        );
        push(Fact::HighTechRevenue, yuan(revenue * high_tech_share));
        push(Fact::TotalAssets, yuan(total_assets));
        push(Fact::NetAssets, yuan(total_assets * net_ratio));
        push(Fact::TotalCost, yuan(revenue * cost_ratio));
        push(Fact::Employees, FactValue::Integer(employees));
        push(Fact::StStaff, FactValue::Integer(st_staff));
        push(Fact::IpCount, FactValue::Integer(class1 + class2));
        push(Fact::IpClass1, FactValue::Integer(class1));
        push(Fact::IpClass2, FactValue::Integer(class2));
        push(Fact::InnovationScore, FactValue::Integer(score));
        push(Fact::MajorViolation, FactValue::Bool(rng.random_bool(0.01)));
        let equity = if financed && rng.random_bool(0.4) {
            log_normal(2.0e7, 1.0).sample(rng)
        } else {
            0.0
        };
        push(Fact::EquityFinancing, yuan(equity));
        if financed {
            push(Fact::Valuation, yuan(revenue * rng.random_range(3.0..15.0)));
        }
        push(Fact::Listed, FactValue::Bool(listed));
        if evaluated_zjtx {
            let zjtx = (40.0 + 400.0 * rd_intensity + normal(0.0, 10.0).sample(rng))
                .round()
                .clamp(20.0, 98.0) as i64;
            push(Fact::ZjtxScore, FactValue::Integer(zjtx));
        }
        sme_eligible_by_year.push((
            year,
            employees <= 500 && revenue <= 2.0e8 && total_assets <= 2.0e8,
        ));
    }
    let labels = labels(
        rng,
        &enterprise,
        rd_intensity,
        mature_revenue,
        &sme_eligible_by_year,
    );
    Generated {
        enterprise,
        facts,
        labels,
    }
}

/// The chance that an enterprise registers as an S&T-based SME in a year
/// (when it is small enough): registrations grew fast over the plan.
fn sme_rate(year: i32) -> f64 {
    match year {
        ..=2019 => 0.40,
        2020 => 0.48,
        2021 => 0.58,
        2022 => 0.68,
        2023 => 0.76,
        _ => 0.82,
    }
}

fn labels(
    rng: &mut ChaCha8Rng,
    enterprise: &Enterprise,
    rd_intensity: f64,
    mature_revenue: f64,
    sme_eligible_by_year: &[(i32, bool)],
) -> Vec<Label> {
    let registration_year = enterprise.registration_date.year();
    let district = enterprise.district.as_str();
    let district_digits = &district[district.len().saturating_sub(2)..];
    let label = |kind: LabelKind, from: NaiveDate, number: Option<String>| {
        Label::new(kind, from, None, number, SYNTHETIC_SOURCE)
            .expect("a default end after the start")
    };
    let mut labels = Vec::new();

    // High-tech enterprise certificates: the R&D-intensive and the larger are
    // likelier to hold one; a holder renews every three years, or drops out.
    let propensity = (rd_intensity / 0.05).ln() + 0.35 * (mature_revenue / 2.0e7).ln();
    let chance = 1.0 / (1.0 + (-(-0.25 + 1.6 * propensity)).exp());
    let first_possible = (registration_year + 1).max(2012);
    if first_possible <= LAST_YEAR && rng.random_bool(chance.clamp(0.0, 1.0)) {
        let years: Vec<i32> = (first_possible..=LAST_YEAR).collect();
        let weights: Vec<f64> = years.iter().map(|year| 1.03f64.powi(year - 2012)).collect();
        let mut year = years[weighted(rng, &weights)];
        while year <= LAST_YEAR {
            let issued = day_in(rng, year, 10..=12);
            let number = format!("GR{year}32{:06}", rng.random_range(0..1_000_000));
            labels.push(label(LabelKind::Hte, issued, Some(number)));
            if !rng.random_bool(0.9) {
                break;
            }
            year += 3;
        }
    }

    for &(year, eligible) in sme_eligible_by_year {
        if eligible && rng.random_bool(sme_rate(year)) {
            // Not before the enterprise itself was registered.
            let earliest = enterprise.registration_date + chrono::Days::new(30);
            let registered = day_in(rng, year, 3..=9).max(earliest);
            if registered.year() != year {
                continue;
            }
            let number = format!(
                "{year}3201{district_digits}A{:05}",
                rng.random_range(0..100_000)
            );
            labels.push(label(LabelKind::TechSme, registered, Some(number)));
        }
    }

    let mut occasional = |kind: LabelKind, chance: f64, years: std::ops::RangeInclusive<i32>| {
        let first = (*years.start()).max(registration_year + 1);
        if first <= *years.end() && rng.random_bool(chance) {
            let year = rng.random_range(first..=*years.end());
            let from = day_in(rng, year, 1..=12);
            labels.push(label(kind, from, None));
        }
    };
    occasional(LabelKind::Zjtx, 0.04 + 0.3 * rd_intensity, 2019..=2024);
    occasional(LabelKind::LittleGiant, 0.006, 2019..=2024);
    occasional(LabelKind::ProvincialRdInstitution, 0.06, 2005..=2024);
    occasional(LabelKind::NationalStAward, 0.003, 2018..=2024);
    occasional(LabelKind::StandardLead, 0.02, 2018..=2024);
    labels
}

/// The regions the generator uses from a region list: for tests and pages
/// that want to say which districts and parks hold synthetic enterprises.
pub fn districts_and_parks(regions: &[Region]) -> Vec<(RegionCode, Vec<RegionCode>)> {
    places(regions)
        .into_iter()
        .map(|place| {
            (
                place.district.code.clone(),
                place.parks.iter().map(|park| park.code.clone()).collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::registry::computed_counts;

    fn regions() -> Vec<Region> {
        zijin_exchange::parse_regions(zijin_exchange::NANJING_REGIONS, "data/nanjing/regions.toml")
            .unwrap()
    }

    #[test]
    fn credit_codes_are_valid_and_never_collide() {
        let mut seen = HashSet::new();
        for number in 0..20_000 {
            let code = credit_code("320115", number);
            assert!(code.as_str().starts_with("91320115MA"), "{code}");
            assert_eq!(Uscc::parse(code.as_str()).as_ref(), Ok(&code));
            assert!(seen.insert(code), "number {number} collides");
        }
    }

    #[test]
    fn every_park_is_in_a_district() {
        let regions = regions();
        let places = districts_and_parks(&regions);
        assert_eq!(places.len(), 11);
        let parks: usize = places.iter().map(|(_, parks)| parks.len()).sum();
        assert_eq!(parks, 15);
        let jiangning = places
            .iter()
            .find(|(district, _)| district.as_str() == "320115")
            .unwrap();
        let codes: Vec<&str> = jiangning.1.iter().map(RegionCode::as_str).collect();
        assert_eq!(codes, ["NJHZ-03", "NJHZ-04", "NJHZ-08"]);
    }

    #[test]
    fn the_registry_is_deterministic_labelled_and_at_the_plans_scale() {
        let regions = regions();
        let small = generate(&regions, 300, REGISTRY_SEED);
        assert_eq!(
            small,
            generate(&regions, 300, REGISTRY_SEED),
            "same seed, same data"
        );
        assert_ne!(small, generate(&regions, 300, REGISTRY_SEED + 1));

        let data = generate(&regions, REGISTRY_SIZE, REGISTRY_SEED);
        assert_eq!(data.enterprises.len(), REGISTRY_SIZE);
        let codes: HashSet<&Uscc> = data.enterprises.iter().map(|e| &e.uscc).collect();
        assert_eq!(codes.len(), REGISTRY_SIZE, "credit codes are unique");
        for enterprise in &data.enterprises {
            assert!(enterprise.synthetic);
            assert!(
                enterprise.name.starts_with(SYNTHETIC_NAME_PREFIX),
                "{}",
                enterprise.name
            );
            assert!(
                enterprise
                    .uscc
                    .as_str()
                    .starts_with(&format!("91{}", enterprise.district))
            );
        }
        // Every district and park has enterprises; the big districts more.
        let mut by_district: HashMap<&str, usize> = HashMap::new();
        let mut by_park: HashMap<&str, usize> = HashMap::new();
        for enterprise in &data.enterprises {
            *by_district.entry(enterprise.district.as_str()).or_default() += 1;
            if let Some(park) = &enterprise.park {
                *by_park.entry(park.as_str()).or_default() += 1;
            }
        }
        assert_eq!(by_district.len(), 11);
        assert_eq!(by_park.len(), 15);
        assert!(
            by_district["320115"] > 3 * by_district["320118"],
            "{by_district:?}"
        );

        // Facts: exact yuan, no negative value, the years 2019–2024 only,
        // never before the enterprise was registered.
        let mut revenues = Vec::new();
        let mut intensities = Vec::new();
        for (enterprise, entry) in data.enterprises.iter().zip(&data.facts_and_labels) {
            assert_eq!(enterprise.uscc, entry.uscc);
            for fact in &entry.facts {
                assert!((FIRST_YEAR..=LAST_YEAR).contains(&fact.year));
                assert!(fact.year >= enterprise.registration_date.year());
                assert_eq!(fact.fact.check(fact.value), Ok(fact.value), "{fact:?}");
            }
            for label in &entry.labels {
                assert_eq!(label.source, SYNTHETIC_SOURCE);
                assert!(label.valid_from > enterprise.registration_date);
            }
            let value = |fact: Fact| {
                entry
                    .facts
                    .iter()
                    .find(|candidate| candidate.year == 2024 && candidate.fact == fact)
                    .map(|found| found.value.as_decimal())
            };
            if let (Some(revenue), Some(rd)) = (value(Fact::Revenue), value(Fact::RdExpense)) {
                revenues.push(revenue);
                intensities.push(rd / revenue);
            }
        }
        revenues.sort();
        let share_between = |low: i64, high: i64| {
            revenues
                .iter()
                .filter(|revenue| {
                    **revenue >= Decimal::from(low) && **revenue <= Decimal::from(high)
                })
                .count() as f64
                / revenues.len() as f64
        };
        assert!(
            share_between(1_000_000, 500_000_000) > 0.85,
            "revenues from about a million to several 亿 yuan"
        );
        assert!(revenues.last().unwrap() > &Decimal::from(500_000_000));
        assert!(
            intensities.iter().all(|r| *r <= Decimal::new(1501, 4)),
            "R&D intensity from 0 to 15%"
        );

        // The plan's order of magnitude, from the same counts the pages show.
        let entries: Vec<zijin_domain::RegistryEntry> = data
            .enterprises
            .iter()
            .zip(&data.facts_and_labels)
            .map(|(enterprise, entry)| zijin_domain::RegistryEntry {
                enterprise: enterprise.clone(),
                facts: Vec::new(),
                labels: entry.labels.clone(),
            })
            .collect();
        let counts_2024 = computed_counts(&entries, &regions, 2024);
        assert!(
            (10_000..=13_000).contains(&counts_2024.total_high_tech_enterprises),
            "{} valid high-tech certificates at the end of 2024",
            counts_2024.total_high_tech_enterprises
        );
        assert!(
            (20_000..=25_000).contains(&counts_2024.total_tech_smes),
            "{} S&T-based SMEs in 2024",
            counts_2024.total_tech_smes
        );
        let date = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let counted = entries
            .iter()
            .filter(|entry| {
                entry.holds(LabelKind::Hte, date)
                    || entry.labels.iter().any(|label| {
                        label.kind == LabelKind::TechSme && label.is_valid_in_year(2024)
                    })
            })
            .count();
        assert_eq!(
            counts_2024.total_synthetic, counted,
            "every enterprise counted is synthetic"
        );
        let counts_2020 = computed_counts(&entries, &regions, 2020);
        assert!(
            counts_2020.total_high_tech_enterprises < counts_2024.total_high_tech_enterprises
                && counts_2020.total_tech_smes < counts_2024.total_tech_smes,
            "the counts grow over the plan"
        );
    }
}
