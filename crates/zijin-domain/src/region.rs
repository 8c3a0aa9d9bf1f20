//! Regions: the city, its districts, functional areas, the high-tech zone and its parks.

use serde::{Deserialize, Serialize};

use crate::RegionCode;

/// What sort of area a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// A city (市), such as 南京市 (320100).
    City,
    /// A district (区) with a GB/T 2260 code.
    District,
    /// A functional area that overlaps districts (江北新区).
    FunctionalArea,
    /// A high-tech zone (南京高新区) that groups parks.
    HighTechZone,
    /// A park (高新园区) of the high-tech zone.
    Park,
}

impl RegionKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            RegionKind::City => "市",
            RegionKind::District => "区",
            RegionKind::FunctionalArea => "功能区",
            RegionKind::HighTechZone => "高新区",
            RegionKind::Park => "园区",
        }
    }
}

/// A region with a stable code; its names are data and may be edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub kind: RegionKind,
    /// The region this one belongs to; `None` for the top of the hierarchy.
    #[serde(default)]
    pub parent: Option<RegionCode>,
    /// A remark, such as "name not confirmed by an official source".
    #[serde(default)]
    pub note: Option<String>,
}
