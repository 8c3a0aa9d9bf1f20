//! Synthetic district and park data for the demo.
//!
//! No figures are published for Nanjing's districts and parks, so the demo
//! generates plausible ones. They are labelled everywhere: source quality
//! [`SourceQuality::Synthetic`], the source [`SYNTHETIC_SOURCE`] and a note
//! naming the city figure they were derived from. They are never mixed into
//! the city's own series: only districts, functional areas and parks get them.
//!
//! The generation is deterministic (a seeded ChaCha generator, one stream per
//! indicator) and follows the city's published figures: for every city
//! observation of an indicator, each district, functional area and park gets a
//! value for the same period. Where the indicator is additive (stocks and
//! flows), the districts' values add up exactly to the city's (at the
//! precision the values are given in), and the parks together hold a share of
//! it. Rates get a value spread around the city's. Each region keeps a size
//! and a growth tilt of its own across periods, so the series look like
//! regions that grow at different speeds rather than noise.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use zijin_domain::{
    Indicator, Measure, Observation, Plan, Qualifier, Region, RegionCode, RegionKind, SourceQuality,
};

/// The seed of the demo's synthetic data.
pub const DEMO_SEED: u64 = 20_210_101;

/// The source recorded on every synthetic observation.
pub const SYNTHETIC_SOURCE: &str = "Zijin 合成数据生成器 v1（synthetic data generator v1）：演示用，非公开发布数据 / for demonstration, not a published figure";

/// Units whose values are whole numbers (counts).
const COUNT_UNITS: [&str; 6] = ["家", "个", "人", "件", "项", "名"];

/// The regions the generator fills, found from the plan's region and the hierarchy.
struct Targets<'a> {
    districts: Vec<&'a Region>,
    functional_areas: Vec<&'a Region>,
    parks: Vec<&'a Region>,
}

impl<'a> Targets<'a> {
    fn find(plan: &Plan, regions: &'a [Region]) -> Self {
        let child_of_city = |region: &&Region, kind: RegionKind| {
            region.kind == kind && region.parent.as_ref() == Some(&plan.region)
        };
        let zones: Vec<&RegionCode> = regions
            .iter()
            .filter(|region| child_of_city(region, RegionKind::HighTechZone))
            .map(|region| &region.code)
            .collect();
        Targets {
            districts: regions
                .iter()
                .filter(|region| child_of_city(region, RegionKind::District))
                .collect(),
            functional_areas: regions
                .iter()
                .filter(|region| child_of_city(region, RegionKind::FunctionalArea))
                .collect(),
            parks: regions
                .iter()
                .filter(|region| {
                    region.kind == RegionKind::Park
                        && region
                            .parent
                            .as_ref()
                            .is_some_and(|parent| zones.contains(&parent))
                })
                .collect(),
        }
    }
}

/// A region's lasting traits for one indicator: its weight at the base year and
/// its yearly growth tilt relative to the whole.
#[derive(Clone, Copy)]
struct Profile {
    weight: f64,
    tilt: f64,
}

/// Generates the synthetic observations for the districts, functional areas
/// and parks under the plan's region, from the city's observations in
/// `observations` (other regions' observations are ignored). Deterministic for
/// a given seed, plan, region list and city data.
pub fn generate(
    plan: &Plan,
    regions: &[Region],
    observations: &[Observation],
    seed: u64,
) -> Vec<Observation> {
    let targets = Targets::find(plan, regions);
    // Region sizes are shared by all indicators: a big district is big in most of them.
    let mut size_rng = ChaCha8Rng::seed_from_u64(seed);
    let size = LogNormal::new(0.0, 0.6).expect("valid log-normal parameters");
    let district_size: Vec<f64> = targets
        .districts
        .iter()
        .map(|_| size.sample(&mut size_rng))
        .collect();
    let park_size: Vec<f64> = targets
        .parks
        .iter()
        .map(|_| size.sample(&mut size_rng))
        .collect();

    let mut generated = Vec::new();
    for indicator in &plan.indicators {
        let mut city: Vec<&Observation> = observations
            .iter()
            .filter(|observation| {
                observation.indicator == indicator.code
                    && observation.region == plan.region
                    && observation.source_quality != SourceQuality::Synthetic
            })
            .collect();
        if city.is_empty() {
            continue;
        }
        city.sort_by_key(|observation| observation.period);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ stable_hash(indicator.code.as_str()));
        let district_profiles = profiles(&mut rng, &district_size);
        let park_profiles = profiles(&mut rng, &park_size);
        let area_profiles: Vec<(f64, f64)> = targets
            .functional_areas
            .iter()
            .map(|_| (rng.random_range(0.08..0.16), rng.random_range(-0.02..0.04)))
            .collect();
        let park_share_of_city: f64 = rng.random_range(0.45..0.65);
        let decimals = decimals_for(indicator);

        for observation in city {
            let years = observation.period.time() - f64::from(plan.base_year);
            let mut emit = |region: &Region, value: f64| {
                generated.push(synthetic_observation(
                    indicator,
                    region,
                    observation,
                    value,
                    decimals,
                ));
            };
            if indicator.measure.is_additive() {
                let shares = |profiles: &[Profile]| -> Vec<f64> {
                    profiles
                        .iter()
                        .map(|profile| profile.weight * (profile.tilt * years).exp())
                        .collect()
                };
                let total_units = to_units(observation.value, decimals);
                for (region, units) in targets
                    .districts
                    .iter()
                    .zip(allocate(total_units, &shares(&district_profiles)))
                {
                    emit(region, from_units(units, decimals));
                }
                let park_units = to_units(observation.value * park_share_of_city, decimals);
                for (region, units) in targets
                    .parks
                    .iter()
                    .zip(allocate(park_units, &shares(&park_profiles)))
                {
                    emit(region, from_units(units, decimals));
                }
                for (region, (share, tilt)) in targets.functional_areas.iter().zip(&area_profiles) {
                    let value = observation.value * share * (tilt * years).exp();
                    emit(region, from_units(to_units(value, decimals), decimals));
                }
            } else {
                let spread = |profile: &Profile, premium: f64| {
                    let value = observation.value
                        * premium
                        * profile.weight.powf(0.35)
                        * (profile.tilt * years).exp();
                    let bounded = if indicator.unit == "%" {
                        value.clamp(0.0, 100.0)
                    } else {
                        value.max(0.0)
                    };
                    from_units(to_units(bounded, decimals), decimals)
                };
                for (region, profile) in targets.districts.iter().zip(&district_profiles) {
                    emit(region, spread(profile, 1.0));
                }
                // Parks concentrate innovative firms: their ratios run higher than the city's.
                for (region, profile) in targets.parks.iter().zip(&park_profiles) {
                    emit(region, spread(profile, 1.15));
                }
                for (region, (share, tilt)) in targets.functional_areas.iter().zip(&area_profiles) {
                    let profile = Profile {
                        weight: share * 8.0,
                        tilt: *tilt,
                    };
                    emit(region, spread(&profile, 1.05));
                }
            }
        }
    }
    generated
}

/// Per-region weights (the shared size times an indicator-specific factor,
/// normalised to a mean of one) and growth tilts.
fn profiles(rng: &mut ChaCha8Rng, sizes: &[f64]) -> Vec<Profile> {
    let factor = LogNormal::new(0.0, 0.3).expect("valid log-normal parameters");
    let tilt = Normal::new(0.0, 0.05).expect("valid normal parameters");
    let raw: Vec<Profile> = sizes
        .iter()
        .map(|size| Profile {
            weight: size * factor.sample(rng),
            tilt: tilt.sample(rng),
        })
        .collect();
    let mean = raw.iter().map(|profile| profile.weight).sum::<f64>() / raw.len().max(1) as f64;
    raw.into_iter()
        .map(|profile| Profile {
            weight: profile.weight / mean,
            ..profile
        })
        .collect()
}

fn synthetic_observation(
    indicator: &Indicator,
    region: &Region,
    city: &Observation,
    value: f64,
    decimals: u32,
) -> Observation {
    let city_value = format!(
        "{}{:.*}",
        qualifier_prefix(city.qualifier),
        decimals as usize,
        city.value
    );
    let how = if indicator.measure.is_additive() {
        "分解 split from"
    } else {
        "参照 spread around"
    };
    Observation {
        indicator: indicator.code.clone(),
        region: region.code.clone(),
        period: city.period,
        value,
        qualifier: Qualifier::Exact,
        unit: indicator.unit.clone(),
        source: SYNTHETIC_SOURCE.to_owned(),
        source_quality: SourceQuality::Synthetic,
        note: Some(format!(
            "合成数据（synthetic）：按全市 {} 期 {}{} {how} the city figure; 非公开发布数据 not a published figure",
            city.period, city_value, indicator.unit
        )),
    }
}

fn qualifier_prefix(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact => "",
        Qualifier::MoreThan => ">",
        Qualifier::About => "~",
    }
}

fn decimals_for(indicator: &Indicator) -> u32 {
    if indicator.measure != Measure::Rate && COUNT_UNITS.contains(&indicator.unit.as_str()) {
        0
    } else {
        2
    }
}

fn to_units(value: f64, decimals: u32) -> i64 {
    (value * 10f64.powi(decimals as i32)).round() as i64
}

fn from_units(units: i64, decimals: u32) -> f64 {
    // Dividing the integer by a power of ten gives the nearest double to the
    // decimal, the same value parsing its text would give.
    units as f64 / 10f64.powi(decimals as i32)
}

/// Splits `total` whole units in proportion to `weights`, by largest
/// remainder, so that the parts add up to `total` exactly.
fn allocate(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights
        .iter()
        .map(|weight| total as f64 * weight / sum)
        .collect();
    let mut parts: Vec<i64> = exact.iter().map(|share| share.floor() as i64).collect();
    let mut remainder = total - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fraction = |i: usize| exact[i] - exact[i].floor();
        fraction(b).total_cmp(&fraction(a)).then(a.cmp(&b))
    });
    for index in order.into_iter().cycle() {
        if remainder == 0 {
            break;
        }
        let step = remainder.signum();
        parts[index] += step;
        remainder -= step;
    }
    parts
}

/// FNV-1a: a hash that is the same on every machine and every release, so the
/// same seed gives the same data everywhere (std's hasher promises neither).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_adds_up_exactly() {
        let parts = allocate(10_000, &[1.0, 2.0, 3.3, 0.1]);
        assert_eq!(parts.iter().sum::<i64>(), 10_000);
        assert!(parts[2] > parts[1] && parts[1] > parts[0] && parts[0] > parts[3]);
        assert_eq!(allocate(7, &[1.0, 1.0, 1.0]), vec![3, 2, 2]);
        assert_eq!(allocate(5, &[]), Vec::<i64>::new());
    }

    #[test]
    fn units_round_trip() {
        assert_eq!(from_units(to_units(686.82, 2), 2), 686.82);
        assert_eq!(from_units(to_units(6507.0, 0), 0), 6507.0);
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        // The FNV-1a test vectors: "" and "a".
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
