//! The enterprise registry (企业库): enterprises keyed by their unified social
//! credit code, their yearly facts and their labels (资质) with validity, and
//! the input the policy engine reads for one enterprise.
//!
//! - [`Enterprise`]: the record (code, name, registration date, district,
//!   park, [`IndustrialChain`], whether it is synthetic).
//! - [`Fact`] and [`FACTS`]: the vocabulary of yearly facts; the names are the
//!   variable names of the policy packs. Values are exact ([`FactValue`]):
//!   money in yuan as a decimal, never a binary float, and no fact is negative.
//! - [`LabelKind`] and [`Label`]: certificates and registrations, each valid
//!   from a date to a date (by default as long as its kind lasts).
//! - [`policy_input`]: an enterprise with its facts and labels as the policy
//!   engine's [`zijin_policy::eval::Enterprise`].
//!
//! The code itself is [`zijin_policy::Uscc`] (GB 32100-2015, with its check
//! character): the policy engine owns it, this crate reuses it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use zijin_policy::Value;
pub use zijin_policy::{Uscc, UsccError};

use crate::RegionCode;

/// The plan's eight industrial chains (产业链).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustrialChain {
    /// 软件和信息服务
    Software,
    /// 新能源汽车
    Nev,
    /// 新医药与生命健康
    Biomed,
    /// 集成电路
    Ic,
    /// 人工智能
    Ai,
    /// 智能电网
    SmartGrid,
    /// 轨道交通
    Rail,
    /// 智能制造装备
    SmartEquipment,
}

/// A text that is not one of the eight chains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知的产业链“{found}” / unknown industrial chain {found:?}: expected {}",
    IndustrialChain::expected()
)]
pub struct ParseChainError {
    pub found: String,
}

impl IndustrialChain {
    pub const ALL: [IndustrialChain; 8] = [
        IndustrialChain::Software,
        IndustrialChain::Nev,
        IndustrialChain::Biomed,
        IndustrialChain::Ic,
        IndustrialChain::Ai,
        IndustrialChain::SmartGrid,
        IndustrialChain::Rail,
        IndustrialChain::SmartEquipment,
    ];

    /// The stable code, as stored (`smart_grid`).
    pub fn code(self) -> &'static str {
        match self {
            IndustrialChain::Software => "software",
            IndustrialChain::Nev => "nev",
            IndustrialChain::Biomed => "biomed",
            IndustrialChain::Ic => "ic",
            IndustrialChain::Ai => "ai",
            IndustrialChain::SmartGrid => "smart_grid",
            IndustrialChain::Rail => "rail",
            IndustrialChain::SmartEquipment => "smart_equipment",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            IndustrialChain::Software => "软件和信息服务",
            IndustrialChain::Nev => "新能源汽车",
            IndustrialChain::Biomed => "新医药与生命健康",
            IndustrialChain::Ic => "集成电路",
            IndustrialChain::Ai => "人工智能",
            IndustrialChain::SmartGrid => "智能电网",
            IndustrialChain::Rail => "轨道交通",
            IndustrialChain::SmartEquipment => "智能制造装备",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            IndustrialChain::Software => "Software and information services",
            IndustrialChain::Nev => "New-energy vehicles",
            IndustrialChain::Biomed => "New medicine and life and health",
            IndustrialChain::Ic => "Integrated circuits",
            IndustrialChain::Ai => "Artificial intelligence",
            IndustrialChain::SmartGrid => "Smart grid",
            IndustrialChain::Rail => "Rail transit",
            IndustrialChain::SmartEquipment => "Intelligent manufacturing equipment",
        }
    }

    /// Every accepted spelling, for messages.
    pub fn expected() -> String {
        let names: Vec<String> = IndustrialChain::ALL
            .iter()
            .map(|chain| format!("{} {}", chain.code(), chain.name_zh()))
            .collect();
        format!("one of / 之一: {}", names.join(", "))
    }
}

impl FromStr for IndustrialChain {
    type Err = ParseChainError;
    /// The code (any case, `-` or a space for `_`) or the Chinese name.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let code = trimmed.to_ascii_lowercase().replace(['-', ' '], "_");
        IndustrialChain::ALL
            .into_iter()
            .find(|chain| chain.code() == code || chain.name_zh() == trimmed)
            .ok_or_else(|| ParseChainError {
                found: text.to_owned(),
            })
    }
}

impl fmt::Display for IndustrialChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An enterprise of the registry. Its facts and labels are kept apart
/// ([`RegistryEntry`]), since they have revisions of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    pub uscc: Uscc,
    pub name: String,
    pub registration_date: NaiveDate,
    /// The district (区) it is registered in.
    pub district: RegionCode,
    /// The park (园区) of the high-tech zone it is in, if any.
    pub park: Option<RegionCode>,
    pub chain: IndustrialChain,
    /// Generated by Zijin for demonstration (合成数据), not a real enterprise.
    pub synthetic: bool,
}

/// How a fact is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// An amount in yuan (CNY), exact.
    Money,
    /// An exact decimal number (none of the current facts is one).
    Decimal,
    /// A whole number (staff, items, points).
    Integer,
    Bool,
}

impl FactType {
    pub fn name(self) -> &'static str {
        match self {
            FactType::Money => "money",
            FactType::Decimal => "decimal",
            FactType::Integer => "integer",
            FactType::Bool => "bool",
        }
    }

    /// The type of the policy language a fact of this type has.
    pub fn policy_type(self) -> zijin_policy::Type {
        match self {
            FactType::Money => zijin_policy::Type::Money,
            FactType::Decimal => zijin_policy::Type::Decimal,
            FactType::Integer => zijin_policy::Type::Integer,
            FactType::Bool => zijin_policy::Type::Bool,
        }
    }
}

/// A yearly fact of the vocabulary. The order is that of [`FACTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    Revenue,
    RdExpense,
    RdExpenseDomestic,
    HighTechRevenue,
    TotalAssets,
    NetAssets,
    TotalCost,
    Employees,
    StStaff,
    IpCount,
    IpClass1,
    IpClass2,
    InnovationScore,
    MajorViolation,
    EquityFinancing,
    Valuation,
    Listed,
    ZjtxScore,
}

/// The definition of a fact: its name (the policy packs' variable name), type,
/// labels and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactDefinition {
    pub fact: Fact,
    pub name: &'static str,
    pub ty: FactType,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// `元`, `人`, `件`, `分`, or empty for a yes/no fact.
    pub unit: &'static str,
}

const fn definition(
    fact: Fact,
    name: &'static str,
    ty: FactType,
    label_zh: &'static str,
    label_en: &'static str,
    unit: &'static str,
) -> FactDefinition {
    FactDefinition {
        fact,
        name,
        ty,
        label_zh,
        label_en,
        unit,
    }
}

/// The vocabulary of yearly facts, in [`Fact`] order.
pub const FACTS: [FactDefinition; 18] = [
    definition(
        Fact::Revenue,
        "revenue",
        FactType::Money,
        "销售收入",
        "Sales revenue",
        "元",
    ),
    definition(
        Fact::RdExpense,
        "rd_expense",
        FactType::Money,
        "研发费用",
        "R&D expense",
        "元",
    ),
    definition(
        Fact::RdExpenseDomestic,
        "rd_expense_domestic",
        FactType::Money,
        "境内研发费用",
        "R&D expense incurred in China",
        "元",
    ),
    definition(
        Fact::HighTechRevenue,
        "high_tech_revenue",
        FactType::Money,
        "高新技术产品（服务）收入",
        "Revenue from high-tech products and services",
        "元",
    ),
    definition(
        Fact::TotalAssets,
        "total_assets",
        FactType::Money,
        "资产总额",
        "Total assets",
        "元",
    ),
    definition(
        Fact::NetAssets,
        "net_assets",
        FactType::Money,
        "净资产",
        "Net assets",
        "元",
    ),
    definition(
        Fact::TotalCost,
        "total_cost",
        FactType::Money,
        "成本费用总额",
        "Total costs and expenses",
        "元",
    ),
    definition(
        Fact::Employees,
        "employees",
        FactType::Integer,
        "职工总数",
        "Employees",
        "人",
    ),
    definition(
        Fact::StStaff,
        "st_staff",
        FactType::Integer,
        "科技人员数",
        "S&T staff",
        "人",
    ),
    definition(
        Fact::IpCount,
        "ip_count",
        FactType::Integer,
        "知识产权数（合计）",
        "Intellectual property items (total)",
        "件",
    ),
    definition(
        Fact::IpClass1,
        "ip_class1",
        FactType::Integer,
        "I类知识产权数",
        "Class I intellectual property items",
        "件",
    ),
    definition(
        Fact::IpClass2,
        "ip_class2",
        FactType::Integer,
        "II类知识产权数",
        "Class II intellectual property items",
        "件",
    ),
    definition(
        Fact::InnovationScore,
        "innovation_score",
        FactType::Integer,
        "创新能力评价得分",
        "Innovation capability score",
        "分",
    ),
    definition(
        Fact::MajorViolation,
        "major_violation",
        FactType::Bool,
        "重大安全质量事故或严重环境违法行为",
        "Major safety or quality accident or serious environmental violation",
        "",
    ),
    definition(
        Fact::EquityFinancing,
        "equity_financing",
        FactType::Money,
        "当年股权融资额",
        "Equity financing raised in the year",
        "元",
    ),
    definition(
        Fact::Valuation,
        "valuation",
        FactType::Money,
        "企业估值（人民币）",
        "Valuation (CNY)",
        "元",
    ),
    definition(
        Fact::Listed,
        "listed",
        FactType::Bool,
        "是否上市",
        "Listed on a stock exchange",
        "",
    ),
    definition(
        Fact::ZjtxScore,
        "zjtx_score",
        FactType::Integer,
        "专精特新评价得分",
        "Specialised-and-sophisticated evaluation score",
        "分",
    ),
];

impl Fact {
    /// Every fact, in the order of [`FACTS`].
    pub fn all() -> impl Iterator<Item = Fact> {
        FACTS.iter().map(|definition| definition.fact)
    }

    pub fn definition(self) -> &'static FactDefinition {
        &FACTS[self as usize]
    }

    /// The variable name (`rd_expense`).
    pub fn name(self) -> &'static str {
        self.definition().name
    }

    pub fn ty(self) -> FactType {
        self.definition().ty
    }

    pub fn label_zh(self) -> &'static str {
        self.definition().label_zh
    }

    pub fn label_en(self) -> &'static str {
        self.definition().label_en
    }

    pub fn unit(self) -> &'static str {
        self.definition().unit
    }

    /// The fact with this variable name (exactly, as stored).
    pub fn from_name(name: &str) -> Option<Fact> {
        FACTS
            .iter()
            .find(|definition| definition.name == name)
            .map(|definition| definition.fact)
    }

    /// The fact named by a column header: its variable name (any case) or its
    /// Chinese label.
    pub fn from_name_or_label(text: &str) -> Option<Fact> {
        let trimmed = text.trim();
        let lower = trimmed.to_ascii_lowercase();
        FACTS
            .iter()
            .find(|definition| definition.name == lower || definition.label_zh == trimmed)
            .map(|definition| definition.fact)
    }

    /// Checks a value for this fact: the right type, and never negative.
    pub fn check(self, value: FactValue) -> Result<FactValue, FactError> {
        let fits = matches!(
            (self.ty(), &value),
            (FactType::Money | FactType::Decimal, FactValue::Decimal(_))
                | (FactType::Integer, FactValue::Integer(_))
                | (FactType::Bool, FactValue::Bool(_))
        );
        if !fits {
            return Err(FactError::WrongType {
                fact: self,
                found: value.to_string(),
            });
        }
        if value.is_negative() {
            return Err(FactError::Negative {
                fact: self,
                found: value.to_string(),
            });
        }
        Ok(value)
    }

    /// Reads the stored text of a value of this fact (see [`FactValue::text`]).
    pub fn parse_value(self, text: &str) -> Result<FactValue, FactError> {
        let wrong = || FactError::WrongType {
            fact: self,
            found: text.to_owned(),
        };
        let value = match self.ty() {
            FactType::Money | FactType::Decimal => {
                FactValue::Decimal(Decimal::from_str_exact(text).map_err(|_| wrong())?)
            }
            FactType::Integer => FactValue::Integer(text.parse().map_err(|_| wrong())?),
            FactType::Bool => match text {
                "1" => FactValue::Bool(true),
                "0" => FactValue::Bool(false),
                _ => return Err(wrong()),
            },
        };
        self.check(value)
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of a fact: exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Integer(i64),
    /// Money (yuan) or another decimal.
    Decimal(Decimal),
}

impl FactValue {
    fn is_negative(&self) -> bool {
        match self {
            FactValue::Bool(_) => false,
            FactValue::Integer(integer) => *integer < 0,
            FactValue::Decimal(decimal) => decimal.is_sign_negative() && !decimal.is_zero(),
        }
    }

    /// The value as stored: a decimal's shortest exact text (`1234.5`), an
    /// integer, or `1`/`0` for yes/no, so that every stored value is decimal
    /// text.
    pub fn text(&self) -> String {
        match self {
            FactValue::Bool(true) => "1".to_owned(),
            FactValue::Bool(false) => "0".to_owned(),
            FactValue::Integer(integer) => integer.to_string(),
            FactValue::Decimal(decimal) => decimal.normalize().to_string(),
        }
    }

    /// The policy engine's value: money and decimals as decimals.
    pub fn policy_value(&self) -> Value {
        match self {
            FactValue::Bool(flag) => Value::Bool(*flag),
            FactValue::Integer(integer) => Value::Integer(*integer),
            FactValue::Decimal(decimal) => Value::Decimal(*decimal),
        }
    }

    /// The value as a decimal (yes is 1, no is 0).
    pub fn as_decimal(&self) -> Decimal {
        match self {
            FactValue::Bool(flag) => Decimal::from(u8::from(*flag)),
            FactValue::Integer(integer) => Decimal::from(*integer),
            FactValue::Decimal(decimal) => *decimal,
        }
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(true) => f.write_str("是 yes"),
            FactValue::Bool(false) => f.write_str("否 no"),
            FactValue::Integer(integer) => write!(f, "{integer}"),
            FactValue::Decimal(decimal) => write!(f, "{}", decimal.normalize()),
        }
    }
}

/// A value that a fact cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("“{}”（{}）的值“{found}”类型不符，应为 {} / {found:?} is not a valid value of {} ({})", fact.label_zh(), fact.name(), fact.ty().name(), fact.name(), fact.ty().name())]
    WrongType { fact: Fact, found: String },
    #[error("“{}”（{}）不能为负数：{found} / {} cannot be negative: {found}", fact.label_zh(), fact.name(), fact.name())]
    Negative { fact: Fact, found: String },
}

/// One fact of one fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFact {
    pub year: i32,
    pub fact: Fact,
    pub value: FactValue,
}

/// A kind of label (资质): a certificate or a registration with a validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// 高新技术企业证书: valid three years from the issue date.
    Hte,
    /// 科技型中小企业入库登记: valid to the end of the calendar year.
    TechSme,
    /// 专精特新中小企业: three years.
    Zjtx,
    /// 专精特新“小巨人”: three years.
    LittleGiant,
    /// 省级以上研发机构: no end.
    ProvincialRdInstitution,
    /// 国家科技奖（前三完成单位）: five years.
    NationalStAward,
    /// 主导制定国际、国家或行业标准: five years.
    StandardLead,
}

/// A text that is not a label kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知的资质类型“{found}” / unknown label kind {found:?}: expected {}",
    LabelKind::expected()
)]
pub struct ParseLabelKindError {
    pub found: String,
}

/// How long a label of a kind lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// This many years from the first day (the day before the anniversary is the last).
    Years(u32),
    /// To 31 December of the year it starts in.
    CalendarYear,
    /// No end.
    Unlimited,
}

impl LabelKind {
    pub const ALL: [LabelKind; 7] = [
        LabelKind::Hte,
        LabelKind::TechSme,
        LabelKind::Zjtx,
        LabelKind::LittleGiant,
        LabelKind::ProvincialRdInstitution,
        LabelKind::NationalStAward,
        LabelKind::StandardLead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LabelKind::Hte => "hte",
            LabelKind::TechSme => "tech_sme",
            LabelKind::Zjtx => "zjtx",
            LabelKind::LittleGiant => "little_giant",
            LabelKind::ProvincialRdInstitution => "provincial_rd_institution",
            LabelKind::NationalStAward => "national_st_award",
            LabelKind::StandardLead => "standard_lead",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            LabelKind::Hte => "高新技术企业证书",
            LabelKind::TechSme => "科技型中小企业入库登记",
            LabelKind::Zjtx => "专精特新中小企业",
            LabelKind::LittleGiant => "专精特新“小巨人”",
            LabelKind::ProvincialRdInstitution => "省级以上研发机构",
            LabelKind::NationalStAward => "国家科技奖（前三完成单位）",
            LabelKind::StandardLead => "主导制定国际、国家或行业标准",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            LabelKind::Hte => "High-tech enterprise certificate",
            LabelKind::TechSme => "S&T-based SME registration",
            LabelKind::Zjtx => "Specialised and sophisticated SME",
            LabelKind::LittleGiant => "Specialised and sophisticated \"little giant\"",
            LabelKind::ProvincialRdInstitution => "Provincial or higher R&D institution",
            LabelKind::NationalStAward => "National S&T award (top three units)",
            LabelKind::StandardLead => "Led an international, national or industry standard",
        }
    }

    pub fn validity(self) -> Validity {
        match self {
            LabelKind::Hte | LabelKind::Zjtx | LabelKind::LittleGiant => Validity::Years(3),
            LabelKind::TechSme => Validity::CalendarYear,
            LabelKind::ProvincialRdInstitution => Validity::Unlimited,
            LabelKind::NationalStAward | LabelKind::StandardLead => Validity::Years(5),
        }
    }

    /// The last day of a label of this kind valid from `valid_from`; `None`
    /// when it has no end. A certificate issued on 2021-11-30 for three
    /// years is valid to 2024-11-29.
    pub fn default_valid_to(self, valid_from: NaiveDate) -> Option<NaiveDate> {
        match self.validity() {
            Validity::Years(years) => {
                // The anniversary of 29 February in a common year is 1 March.
                let year = valid_from.year() + i32::try_from(years).ok()?;
                let anniversary = valid_from
                    .with_year(year)
                    .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))?;
                anniversary.pred_opt()
            }
            Validity::CalendarYear => NaiveDate::from_ymd_opt(valid_from.year(), 12, 31),
            Validity::Unlimited => None,
        }
    }

    /// The name of the policy engine's variable (`label_hte`): whether a
    /// valid label of this kind is held on the reference date.
    pub fn variable_name(self) -> String {
        format!("label_{}", self.code())
    }

    pub fn expected() -> String {
        let names: Vec<String> = LabelKind::ALL
            .iter()
            .map(|kind| format!("{} {}", kind.code(), kind.name_zh()))
            .collect();
        format!("one of / 之一: {}", names.join(", "))
    }
}

impl FromStr for LabelKind {
    type Err = ParseLabelKindError;
    /// The code (any case) or the Chinese name; the quotes of “小巨人” may be
    /// any quotes or none.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let code = trimmed.to_ascii_lowercase().replace(['-', ' '], "_");
        let unquoted = |name: &str| name.replace(['“', '”', '"', '\'', '‘', '’'], "");
        LabelKind::ALL
            .into_iter()
            .find(|kind| {
                kind.code() == code
                    || kind.name_zh() == trimmed
                    || unquoted(kind.name_zh()) == unquoted(trimmed)
            })
            .ok_or_else(|| ParseLabelKindError {
                found: text.to_owned(),
            })
    }
}

impl fmt::Display for LabelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A label held by an enterprise: a certificate or registration of a kind,
/// valid from one day to another (both included). Its key within the
/// enterprise is the kind and the first day: a renewed certificate is
/// another label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub kind: LabelKind,
    pub valid_from: NaiveDate,
    /// The last valid day; `None` for no end.
    pub valid_to: Option<NaiveDate>,
    /// The certificate or registration number.
    pub number: Option<String>,
    /// Where it is known from (a file, a list published by a ministry).
    pub source: String,
}

/// A label whose last day comes before its first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "资质有效期止于 {valid_to}，早于起始日 {valid_from} / the label ends on {valid_to}, before it starts on {valid_from}"
)]
pub struct LabelDatesError {
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl Label {
    /// A label; without `valid_to`, it lasts as long as its kind does
    /// ([`LabelKind::default_valid_to`]).
    pub fn new(
        kind: LabelKind,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
        number: Option<String>,
        source: impl Into<String>,
    ) -> Result<Label, LabelDatesError> {
        let valid_to = valid_to.or_else(|| kind.default_valid_to(valid_from));
        if let Some(valid_to) = valid_to
            && valid_to < valid_from
        {
            return Err(LabelDatesError {
                valid_from,
                valid_to,
            });
        }
        Ok(Label {
            kind,
            valid_from,
            valid_to,
            number,
            source: source.into(),
        })
    }

    /// Whether the label is valid on `date`.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|last| date <= last)
    }

    /// Whether the label is valid on at least one day of `year`.
    pub fn is_valid_in_year(&self, year: i32) -> bool {
        self.valid_from.year() <= year && self.valid_to.is_none_or(|last| last.year() >= year)
    }
}

/// An enterprise with the latest revision of each of its facts (by year, then
/// fact) and its labels (by kind, then first day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub enterprise: Enterprise,
    pub facts: Vec<YearFact>,
    pub labels: Vec<Label>,
}

impl RegistryEntry {
    /// The value of a fact in a year, if reported.
    pub fn fact(&self, fact: Fact, year: i32) -> Option<FactValue> {
        self.facts
            .iter()
            .find(|candidate| candidate.fact == fact && candidate.year == year)
            .map(|found| found.value)
    }

    /// Whether a label of `kind` is valid on `date`.
    pub fn holds(&self, kind: LabelKind, date: NaiveDate) -> bool {
        self.labels
            .iter()
            .any(|label| label.kind == kind && label.is_valid_on(date))
    }

    /// The policy engine's input (see [`policy_input`]).
    pub fn policy_input(&self, reference_date: NaiveDate) -> zijin_policy::eval::Enterprise {
        policy_input(&self.enterprise, &self.facts, &self.labels, reference_date)
    }
}

/// Facts and labels reported for one enterprise, which is in the same import
/// or already stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseFactsAndLabels {
    pub uscc: Uscc,
    pub facts: Vec<YearFact>,
    pub labels: Vec<Label>,
}

/// The policy engine's input for one enterprise: `id` is the credit code;
/// given once, `registration_date` (a date) and `label_<kind>` for every
/// label kind (whether a label of that kind is valid on `reference_date`);
/// per year, every fact by its name. Money and decimals become decimals,
/// integers integers, yes/no booleans. A fact not reported for a year is
/// absent, never zero: the engine then says it is missing.
pub fn policy_input(
    enterprise: &Enterprise,
    facts: &[YearFact],
    labels: &[Label],
    reference_date: NaiveDate,
) -> zijin_policy::eval::Enterprise {
    let mut once = BTreeMap::new();
    once.insert(
        "registration_date".to_owned(),
        Value::Date(enterprise.registration_date),
    );
    for kind in LabelKind::ALL {
        let held = labels
            .iter()
            .any(|label| label.kind == kind && label.is_valid_on(reference_date));
        once.insert(kind.variable_name(), Value::Bool(held));
    }
    let mut yearly: BTreeMap<String, BTreeMap<i32, Value>> = BTreeMap::new();
    for fact in facts {
        yearly
            .entry(fact.fact.name().to_owned())
            .or_default()
            .insert(fact.year, fact.value.policy_value());
    }
    zijin_policy::eval::Enterprise {
        id: enterprise.uscc.to_string(),
        once,
        yearly,
    }
}

/// The outcome of one policy for one enterprise in a stored policy run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntitlementStatus {
    Pass,
    Fail,
    /// Data was missing.
    Unknown,
}

/// A text that is not an entitlement status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entitlement status {found:?} is not valid: expected pass, fail or unknown")]
pub struct ParseEntitlementStatusError {
    pub found: String,
}

impl EntitlementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntitlementStatus::Pass => "pass",
            EntitlementStatus::Fail => "fail",
            EntitlementStatus::Unknown => "unknown",
        }
    }
}

impl FromStr for EntitlementStatus {
    type Err = ParseEntitlementStatusError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "pass" => Ok(EntitlementStatus::Pass),
            "fail" => Ok(EntitlementStatus::Fail),
            "unknown" => Ok(EntitlementStatus::Unknown),
            _ => Err(ParseEntitlementStatusError {
                found: text.to_owned(),
            }),
        }
    }
}

impl From<zijin_policy::eval::Status> for EntitlementStatus {
    fn from(status: zijin_policy::eval::Status) -> Self {
        match status {
            zijin_policy::eval::Status::Pass => EntitlementStatus::Pass,
            zijin_policy::eval::Status::Fail => EntitlementStatus::Fail,
            zijin_policy::eval::Status::Unknown => EntitlementStatus::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_fact_table_is_in_fact_order_with_unique_names_and_labels() {
        for (index, definition) in FACTS.iter().enumerate() {
            assert_eq!(definition.fact as usize, index, "{}", definition.name);
            assert_eq!(Fact::from_name(definition.name), Some(definition.fact));
            assert_eq!(
                Fact::from_name_or_label(definition.label_zh),
                Some(definition.fact)
            );
        }
        let mut names: Vec<&str> = FACTS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FACTS.len());
        assert_eq!(Fact::from_name_or_label(" Revenue "), Some(Fact::Revenue));
        assert_eq!(Fact::from_name_or_label("turnover"), None);
    }

    #[test]
    fn facts_are_typed_and_never_negative() {
        let money = |text: &str| FactValue::Decimal(Decimal::from_str_exact(text).unwrap());
        assert_eq!(Fact::Revenue.check(money("1234.50")), Ok(money("1234.5")));
        assert!(matches!(
            Fact::Revenue.check(money("-0.01")),
            Err(FactError::Negative { .. })
        ));
        assert!(Fact::Revenue.check(money("-0")).is_ok());
        assert!(matches!(
            Fact::Employees.check(FactValue::Integer(-1)),
            Err(FactError::Negative { .. })
        ));
        assert!(matches!(
            Fact::Employees.check(money("3")),
            Err(FactError::WrongType { .. })
        ));
        assert!(matches!(
            Fact::Listed.check(FactValue::Integer(1)),
            Err(FactError::WrongType { .. })
        ));
    }

    #[test]
    fn fact_values_round_trip_through_their_stored_text() {
        for (fact, value) in [
            (
                Fact::Revenue,
                FactValue::Decimal(Decimal::from_str_exact("12345678.90").unwrap()),
            ),
            (Fact::TotalAssets, FactValue::Decimal(Decimal::ZERO)),
            (Fact::Employees, FactValue::Integer(250)),
            (Fact::MajorViolation, FactValue::Bool(true)),
            (Fact::Listed, FactValue::Bool(false)),
        ] {
            let text = value.text();
            assert_eq!(fact.parse_value(&text), Ok(value), "{text}");
        }
        assert_eq!(
            FactValue::Decimal(Decimal::from_str_exact("100.10").unwrap()).text(),
            "100.1"
        );
        assert!(Fact::Revenue.parse_value("1e3").is_err());
        assert!(Fact::Listed.parse_value("true").is_err());
        assert!(Fact::Revenue.parse_value("-5").is_err());
    }

    #[test]
    fn chains_parse_from_code_or_chinese_name() {
        for chain in IndustrialChain::ALL {
            assert_eq!(chain.code().parse::<IndustrialChain>(), Ok(chain));
            assert_eq!(chain.name_zh().parse::<IndustrialChain>(), Ok(chain));
        }
        assert_eq!(
            "Smart-Grid".parse::<IndustrialChain>(),
            Ok(IndustrialChain::SmartGrid)
        );
        let error = "光伏".parse::<IndustrialChain>().unwrap_err();
        assert!(error.to_string().contains("集成电路"), "{error}");
    }

    #[test]
    fn label_kinds_and_their_validity() {
        for kind in LabelKind::ALL {
            assert_eq!(kind.code().parse::<LabelKind>(), Ok(kind));
            assert_eq!(kind.name_zh().parse::<LabelKind>(), Ok(kind));
        }
        assert_eq!(
            "专精特新\"小巨人\"".parse::<LabelKind>(),
            Ok(LabelKind::LittleGiant)
        );
        assert!("瞪羚企业".parse::<LabelKind>().is_err());
        let check = |kind: LabelKind, from: &str, to: Option<&str>| {
            assert_eq!(
                kind.default_valid_to(date(from)),
                to.map(date),
                "{kind} from {from}"
            );
        };
        check(LabelKind::Hte, "2021-11-30", Some("2024-11-29"));
        check(LabelKind::Hte, "2020-02-29", Some("2023-02-28"));
        check(LabelKind::TechSme, "2024-04-15", Some("2024-12-31"));
        check(LabelKind::Zjtx, "2022-07-01", Some("2025-06-30"));
        check(LabelKind::LittleGiant, "2022-07-01", Some("2025-06-30"));
        check(LabelKind::ProvincialRdInstitution, "2019-01-01", None);
        check(LabelKind::NationalStAward, "2020-01-10", Some("2025-01-09"));
        check(LabelKind::StandardLead, "2020-01-10", Some("2025-01-09"));
    }

    #[test]
    fn labels_are_valid_between_their_days() {
        let label = Label::new(LabelKind::Hte, date("2021-11-30"), None, None, "test").unwrap();
        assert!(!label.is_valid_on(date("2021-11-29")));
        assert!(label.is_valid_on(date("2021-11-30")));
        assert!(label.is_valid_on(date("2024-11-29")));
        assert!(!label.is_valid_on(date("2024-11-30")));
        assert!(label.is_valid_in_year(2024) && !label.is_valid_in_year(2025));
        let open = Label::new(
            LabelKind::ProvincialRdInstitution,
            date("2019-05-01"),
            None,
            None,
            "test",
        )
        .unwrap();
        assert!(open.is_valid_on(date("2099-01-01")));
        assert!(
            Label::new(
                LabelKind::Zjtx,
                date("2022-01-01"),
                Some(date("2021-12-31")),
                None,
                "test"
            )
            .is_err()
        );
    }

    #[test]
    fn the_policy_input_has_every_label_and_the_reported_facts() {
        let enterprise = Enterprise {
            uscc: Uscc::parse("91110000710925462X").unwrap(),
            name: "测试企业".to_owned(),
            registration_date: date("2015-03-01"),
            district: RegionCode::new("320115").unwrap(),
            park: None,
            chain: IndustrialChain::Ic,
            synthetic: false,
        };
        let facts = [
            YearFact {
                year: 2023,
                fact: Fact::Revenue,
                value: FactValue::Decimal(Decimal::from_str_exact("1850.25").unwrap()),
            },
            YearFact {
                year: 2023,
                fact: Fact::Employees,
                value: FactValue::Integer(42),
            },
            YearFact {
                year: 2022,
                fact: Fact::MajorViolation,
                value: FactValue::Bool(false),
            },
        ];
        let labels = [Label::new(LabelKind::Hte, date("2021-11-30"), None, None, "t").unwrap()];
        let input = policy_input(&enterprise, &facts, &labels, date("2024-01-01"));
        assert_eq!(input.id, "91110000710925462X");
        assert_eq!(
            input.once["registration_date"],
            Value::Date(date("2015-03-01"))
        );
        assert_eq!(input.once["label_hte"], Value::Bool(true));
        assert_eq!(input.once["label_tech_sme"], Value::Bool(false));
        assert_eq!(input.once.len(), 1 + LabelKind::ALL.len());
        assert_eq!(
            input.yearly["revenue"][&2023],
            Value::Decimal(Decimal::from_str_exact("1850.25").unwrap())
        );
        assert_eq!(input.yearly["employees"][&2023], Value::Integer(42));
        assert_eq!(input.yearly["major_violation"][&2022], Value::Bool(false));
        assert!(!input.yearly["revenue"].contains_key(&2022));
        // After the certificate's last day, the label is no longer held.
        let later = policy_input(&enterprise, &facts, &labels, date("2024-11-30"));
        assert_eq!(later.once["label_hte"], Value::Bool(false));
    }
}
