//! Test fixtures shared by the crate's unit tests.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::eval::Enterprise;
use crate::value::Value;

/// An enterprise of the benchmark pack that passes every high-tech
/// criterion except, below 10 of 100 staff, the S&T staff share: revenue
/// 40,000,000 a year 2020–2023, R&D 3,000,000 in 2021 and 2023 and `rd_2022`
/// in 2022 (all spent in China), registered 2015-05-01.
pub(crate) fn enterprise(id: &str, st_staff: i64, rd_2022: i64) -> Enterprise {
    let mut enterprise = Enterprise {
        id: id.to_owned(),
        ..Enterprise::default()
    };
    enterprise.once.insert(
        "registration_date".to_owned(),
        Value::Date(NaiveDate::from_ymd_opt(2015, 5, 1).unwrap()),
    );
    let mut yearly = |name: &str, year: i32, value: Value| {
        enterprise
            .yearly
            .entry(name.to_owned())
            .or_default()
            .insert(year, value);
    };
    let money = |yuan: i64| Value::Decimal(Decimal::from(yuan));
    for year in 2020..=2023 {
        yearly("revenue", year, money(40_000_000));
    }
    for (year, rd) in [(2021, 3_000_000), (2022, rd_2022), (2023, 3_000_000)] {
        yearly("rd_expense", year, money(rd));
        yearly("rd_expense_domestic", year, money(rd));
    }
    yearly("high_tech_revenue", 2023, money(30_000_000));
    yearly("total_assets", 2023, money(50_000_000));
    yearly("employees", 2023, Value::Integer(100));
    yearly("st_staff", 2023, Value::Integer(st_staff));
    yearly("ip_count", 2024, Value::Integer(3));
    yearly("innovation_score", 2024, Value::Integer(80));
    yearly("major_violation", 2023, Value::Bool(false));
    enterprise
}
