//! The 免申即享 list as an XLSX workbook: a 说明 (About) sheet first — the
//! pack, its version and SHA-256, the period, the run, and 合成数据 when the
//! registry is synthetic — then one sheet per district with every eligible
//! enterprise, the policy, the amount and the reasons (one line per
//! criterion, with values, thresholds and legal references).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::ReportError;
use crate::xlsx::{header_format, number, write_header};

/// One eligible enterprise for one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitlementLine {
    pub uscc: String,
    pub name: String,
    pub park: Option<String>,
    pub policy: String,
    /// The amount in yuan, for a policy that grants one.
    pub amount: Option<f64>,
    /// Why: the criteria lines.
    pub reasons: Vec<String>,
}

/// The lines of one district.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictList {
    pub name: String,
    pub lines: Vec<EntitlementLine>,
}

/// What the workbook's 说明 sheet says.
#[derive(Debug, Clone, PartialEq)]
pub struct ListInfo {
    pub pack: String,
    pub version: String,
    pub sha256: String,
    pub period: i32,
    pub run_id: i64,
    pub created_at: String,
    pub synthetic: bool,
}

/// The workbook: 说明, then one sheet per district (in the given order).
pub fn entitlements_xlsx(
    info: &ListInfo,
    districts: &[DistrictList],
) -> Result<Vec<u8>, ReportError> {
    write(info, districts).map_err(|error| ReportError::render("XLSX", error))
}

fn write(info: &ListInfo, districts: &[DistrictList]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = header_format();
    let wrapped = Format::new().set_text_wrap();
    let money = Format::new().set_num_format("#,##0.00");

    let about = workbook.add_worksheet();
    about.set_name("说明")?;
    about.set_column_width(0, 24)?;
    about.set_column_width(1, 90)?;
    let mut rows: Vec<(&str, String)> = Vec::new();
    if info.synthetic {
        rows.push((
            "合成数据 synthetic",
            "本名单基于合成（虚构）的企业登记数据，仅供演示，不代表任何真实企业。 This list is built on a synthetic registry, for demonstration only; no real enterprise is meant.".to_owned(),
        ));
    }
    rows.extend([
        ("名单 list", "免申即享名单：符合政策条件、无需申请即可享受的企业 / enterprises eligible without application".to_owned()),
        ("政策包 pack", format!("{} {}", info.pack, info.version)),
        ("规则版本 rules (SHA-256)", info.sha256.clone()),
        ("评估年度 period", info.period.to_string()),
        ("运行 run", format!("#{} — {}", info.run_id, info.created_at)),
        ("说明 note", "依据一列逐条列出每项条件的取值、门槛、分档和政策依据。 The reasons column lists every criterion with its values, thresholds, bands and legal reference.".to_owned()),
    ]);
    for (row, (key, value)) in rows.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        about.write_string_with_format(row, 0, *key, &header)?;
        about.write_string_with_format(row, 1, value, &wrapped)?;
    }

    for district in districts {
        let sheet = workbook.add_worksheet();
        let name: String = district
            .name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        sheet.set_name(&name)?;
        write_header(
            sheet,
            &header,
            &[
                ("统一社会信用代码 USCC", 22.0),
                ("企业名称 name", 32.0),
                ("所在园区 park", 20.0),
                ("政策 policy", 26.0),
                ("金额（元）amount (CNY)", 16.0),
                ("依据 reasons", 100.0),
            ],
        )?;
        for (index, line) in district.lines.iter().enumerate() {
            let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
            sheet.write_string(row, 0, &line.uscc)?;
            sheet.write_string(row, 1, &line.name)?;
            sheet.write_string(row, 2, line.park.as_deref().unwrap_or(""))?;
            sheet.write_string(row, 3, &line.policy)?;
            number(sheet, row, 4, line.amount, &money)?;
            sheet.write_string_with_format(row, 5, line.reasons.join("\n"), &wrapped)?;
        }
    }
    workbook.save_to_buffer()
}
