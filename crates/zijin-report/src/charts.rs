//! From the assessment engine's numbers to the charts crate's input: the one
//! place that builds a trajectory chart of an assessment, used by the
//! bulletin and by the dashboard (`zijin-server` depends on this crate;
//! `zijin-charts` depends on no Zijin crate, so the conversion lives here).

use zijin_assess::{Light, Trajectory, TrajectoryPoint};
use zijin_domain::{Kind, Lang, Qualifier, SourceQuality};

/// Converts a light of the assessment engine to the chart crate's own.
pub fn chart_light(light: Option<Light>) -> Option<zijin_charts::Light> {
    light.map(|light| match light {
        Light::Green => zijin_charts::Light::Green,
        Light::Yellow => zijin_charts::Light::Yellow,
        Light::Red => zijin_charts::Light::Red,
    })
}

/// Converts an observation's qualifier to the chart crate's marker.
pub fn chart_marker(qualifier: Qualifier) -> zijin_charts::Marker {
    match qualifier {
        Qualifier::Exact => zijin_charts::Marker::Exact,
        Qualifier::MoreThan => zijin_charts::Marker::MoreThan,
        Qualifier::About => zijin_charts::Marker::About,
    }
}

/// Whether any plotted value of the trajectory is synthetic.
pub fn has_synthetic_points(trajectory: &Trajectory) -> bool {
    trajectory
        .points
        .iter()
        .any(|point| point.source_quality == SourceQuality::Synthetic)
}

/// The trajectory chart of one assessment: baseline (not for a cumulative
/// target), observed points labelled by `point_label`, the required path,
/// the projection and its band, and the target (for a growth target, the
/// level its rate implies at the end of the required path).
pub fn trajectory_chart(
    trajectory: &Trajectory,
    lang: Lang,
    title: &str,
    unit: &str,
    (width, height): (u32, u32),
    point_label: impl Fn(&TrajectoryPoint) -> String,
) -> zijin_charts::Trajectory {
    let assessment = &trajectory.assessment;
    let target = match assessment.kind {
        // A growth target is a rate: the chart marks the level it implies.
        Kind::Growth => {
            trajectory
                .required_path
                .last()
                .map(|&(time, value)| zijin_charts::TargetMark {
                    time,
                    value,
                    stretch: None,
                })
        }
        Kind::Level | Kind::Cumulative => {
            assessment.target.map(|target| zijin_charts::TargetMark {
                time: f64::from(target.year),
                value: target.value,
                stretch: target.stretch,
            })
        }
    };
    zijin_charts::Trajectory {
        labels: zijin_charts::Labels {
            title: title.to_owned(),
            unit: unit.to_owned(),
            x_label: lang.pick("年份", "Year").to_owned(),
            y_label: match assessment.kind {
                Kind::Cumulative => lang.pick("累计值", "Total so far").to_owned(),
                Kind::Level | Kind::Growth => lang.pick("数值", "Value").to_owned(),
            },
        },
        width,
        height,
        baseline: assessment
            .baseline
            .filter(|_| assessment.kind != Kind::Cumulative)
            .map(|baseline| (f64::from(baseline.year), baseline.value)),
        observed: trajectory
            .points
            .iter()
            .map(|point| zijin_charts::ObservedPoint {
                time: point.time,
                value: point.value,
                marker: chart_marker(point.qualifier),
                synthetic: point.source_quality == SourceQuality::Synthetic,
                label: point_label(point),
            })
            .collect(),
        required_path: trajectory.required_path.clone(),
        projection: trajectory.projection.clone(),
        band: trajectory.band.clone(),
        target,
        legend: match lang {
            Lang::Zh => zijin_charts::LegendText::chinese(),
            Lang::En => zijin_charts::LegendText::english(),
        },
    }
}
