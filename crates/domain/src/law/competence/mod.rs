//! Sanctioning competence (thẩm quyền xử phạt) of the QLTT titles, as data versioned by
//! effective date, and who may sign an inspection decision.
//!
//! - Until 30/06/2025: LHAV 2012 Art. 45 as applied by D98's article on QLTT competence
//!   (legal-notes §3.1, confirmed): Kiểm soát viên on duty — warning, ≤ 500,000; Đội trưởng —
//!   ≤ 25,000,000, confiscation up to that value; head of the provincial unit — ≤ 50,000,000,
//!   confiscation up to that value, licence/activity suspension; national head — up to the
//!   sector maximum.
//! - From 01/07/2025: Decree 189/2025/NĐ-CP Art. 12 (competence of QLTT), as quoted article by
//!   article in a legal Q&A text (secondary source, like the rest of legal-notes; not read in
//!   the Official Gazette): Kiểm soát viên on duty — warning, fine ≤ 10 % of the sector maximum
//!   (LHAV Art. 24), confiscation ≤ 2 × that fine; Đội trưởng Đội QLTT thuộc Chi cục — ≤ 30 %,
//!   confiscation ≤ 2 × that fine, remedial measures; Chi cục trưởng Chi cục QLTT and Trưởng
//!   phòng Nghiệp vụ QLTT of the Ministry's department — ≤ 50 %, confiscation, suspension,
//!   remedial measures; Cục trưởng Cục QL&PT thị trường trong nước — up to the sector maximum.
//!   With D98's maxima: 10/30/50/100 million for commerce, 20/60/100/200 million for
//!   counterfeit and prohibited goods.
//! - An organisation's fining cap is twice an individual's (LHAV Art. 24(2) and the rule that
//!   competence over organisations is doubled — explicit for QLTT in Decree 99/2020 Art. 61;
//!   the corresponding clause of Decree 189/2025 was not read: chưa xác nhận). Confiscation
//!   caps are multiples of the individual fining cap ("mức tiền phạt được quy định tại điểm b")
//!   and are not doubled: our reading.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::OffenderKind;
use crate::DomainError;
use crate::format::{Vnd, format_date};

/// D98 (as amended): sector maxima for an individual (an organisation's are twice).
pub const SECTOR_MAX_COMMERCE: i64 = 100_000_000;
/// Production and trading of counterfeit and prohibited goods.
pub const SECTOR_MAX_COUNTERFEIT: i64 = 200_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Title {
    InspectorOnDuty,
    TeamLeader,
    ProvincialHead,
    NationalDepartmentHead,
}

impl Title {
    /// From the lowest competence to the highest.
    pub const ALL: &'static [Title] = &[
        Title::InspectorOnDuty,
        Title::TeamLeader,
        Title::ProvincialHead,
        Title::NationalDepartmentHead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Title::InspectorOnDuty => "inspector_on_duty",
            Title::TeamLeader => "team_leader",
            Title::ProvincialHead => "provincial_head",
            Title::NationalDepartmentHead => "national_department_head",
        }
    }

    /// The Vietnamese title as written on decisions (names in force since the 2025 reform).
    pub fn label(self) -> &'static str {
        match self {
            Title::InspectorOnDuty => "Kiểm soát viên thị trường đang thi hành công vụ",
            Title::TeamLeader => "Đội trưởng Đội Quản lý thị trường",
            // Also the Trưởng phòng Nghiệp vụ QLTT of the Ministry's department (D189 Art. 12(3)).
            Title::ProvincialHead => "Chi cục trưởng Chi cục Quản lý thị trường",
            Title::NationalDepartmentHead => {
                "Cục trưởng Cục Quản lý và Phát triển thị trường trong nước"
            }
        }
    }

    pub fn parse(s: &str) -> Result<Title, DomainError> {
        Title::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("title", "law.invalid_title", "Chức danh không hợp lệ.")
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompetenceRule {
    pub title: Title,
    pub effective_from: NaiveDate,
    /// The last day in force (inclusive); `None` = still in force.
    pub effective_to: Option<NaiveDate>,
    /// Max fine per act for an individual, in đồng (the pre-2025 regime).
    pub fine_cap_individual: Option<i64>,
    /// Max fine per act for an individual as a percentage of the sector maximum (Decree
    /// 189/2025). With both caps the lower applies; with neither, the sector maximum.
    pub fine_cap_percent: Option<u32>,
    /// Confiscation allowed up to this multiple of the individual fining cap; `None` = no limit
    /// (when `may_confiscate`).
    pub confiscation_cap_multiple: Option<u32>,
    pub may_suspend: bool,
    pub may_confiscate: bool,
    /// False when the figures are not confirmed from the text in force.
    pub confirmed: bool,
    pub citation: &'static str,
}

impl CompetenceRule {
    /// The fining cap for an individual given the sector maximum (never above it).
    pub fn individual_cap(&self, sector_max_individual: i64) -> i64 {
        let mut cap = sector_max_individual;
        if let Some(c) = self.fine_cap_individual {
            cap = cap.min(c);
        }
        if let Some(p) = self.fine_cap_percent {
            let by_percent = i128::from(sector_max_individual) * i128::from(p) / 100;
            cap = cap.min(i64::try_from(by_percent).unwrap_or(i64::MAX));
        }
        cap
    }

    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|to| on <= to)
    }
}

const OLD: &str =
    "Luật XLVPHC 2012, Điều 45; Nghị định 98/2020/NĐ-CP (thẩm quyền của Quản lý thị trường)";
const D189: &str = "Nghị định 189/2025/NĐ-CP, Điều 12";

/// (title, cap in đồng, cap in % of the sector maximum, may suspend, may confiscate,
/// confiscation cap as a multiple of the fining cap)
type Figures = (Title, Option<i64>, Option<u32>, bool, bool, Option<u32>);

const PRE_2025: [Figures; 4] = [
    (
        Title::InspectorOnDuty,
        Some(500_000),
        None,
        false,
        false,
        None,
    ),
    (
        Title::TeamLeader,
        Some(25_000_000),
        None,
        false,
        true,
        Some(1),
    ),
    (
        Title::ProvincialHead,
        Some(50_000_000),
        None,
        true,
        true,
        Some(1),
    ),
    (Title::NationalDepartmentHead, None, None, true, true, None),
];

const DECREE_189: [Figures; 4] = [
    (Title::InspectorOnDuty, None, Some(10), false, true, Some(2)),
    (Title::TeamLeader, None, Some(30), false, true, Some(2)),
    (Title::ProvincialHead, None, Some(50), true, true, None),
    (Title::NationalDepartmentHead, None, None, true, true, None),
];

/// The seed of the competence table (see the module comment for the sources).
pub fn default_rules() -> Vec<CompetenceRule> {
    let (Some(lhav_2012), Some(end_old), Some(d189)) = (
        NaiveDate::from_ymd_opt(2013, 7, 1),
        NaiveDate::from_ymd_opt(2025, 6, 30),
        NaiveDate::from_ymd_opt(2025, 7, 1),
    ) else {
        return Vec::new();
    };
    let mut rules = Vec::new();
    for (from, to, citation, figures) in [
        (lhav_2012, Some(end_old), OLD, PRE_2025),
        (d189, None, D189, DECREE_189),
    ] {
        for (title, cap, percent, may_suspend, may_confiscate, multiple) in figures {
            rules.push(CompetenceRule {
                title,
                effective_from: from,
                effective_to: to,
                fine_cap_individual: cap,
                fine_cap_percent: percent,
                confiscation_cap_multiple: multiple,
                may_suspend,
                may_confiscate,
                confirmed: true,
                citation,
            });
        }
    }
    rules
}

/// The rule of `title` in force on `on`. If rows overlap, the latest start wins; among equal
/// starts, the row that comes last (an admin's correction appended to the seed).
pub fn rule_on(rules: &[CompetenceRule], title: Title, on: NaiveDate) -> Option<&CompetenceRule> {
    rules
        .iter()
        .filter(|r| r.title == title && r.in_force_on(on))
        .max_by_key(|r| r.effective_from)
}

fn rule_or_refuse(
    rules: &[CompetenceRule],
    title: Title,
    on: NaiveDate,
) -> Result<&CompetenceRule, DomainError> {
    rule_on(rules, title, on).ok_or_else(|| {
        DomainError::refused(
            "law.competence_unknown",
            format!(
                "Chưa có quy định thẩm quyền của {} vào ngày {}; quản trị viên cần bổ sung bảng \
                 thẩm quyền.",
                title.label(),
                format_date(on)
            ),
        )
    })
}

/// The fining cap of `title` for `offender` on `on`.
pub fn fine_cap(
    rules: &[CompetenceRule],
    title: Title,
    on: NaiveDate,
    offender: OffenderKind,
    sector_max_individual: i64,
) -> Result<i64, DomainError> {
    let rule = rule_or_refuse(rules, title, on)?;
    Ok(rule
        .individual_cap(sector_max_individual)
        .saturating_mul(offender.multiplier()))
}

/// Refuses a fine (per act) above the signer's competence ("law.competence_exceeded").
pub fn check_fine_competence(
    rules: &[CompetenceRule],
    title: Title,
    on: NaiveDate,
    offender: OffenderKind,
    fine_per_act: i64,
    sector_max_individual: i64,
) -> Result<(), DomainError> {
    let cap = fine_cap(rules, title, on, offender, sector_max_individual)?;
    if fine_per_act <= cap {
        return Ok(());
    }
    Err(DomainError::refused(
        "law.competence_exceeded",
        format!(
            "Mức phạt {} vượt thẩm quyền của {}: chỉ được phạt tiền đến {} đối với {}. Chuyển \
             người có thẩm quyền cao hơn ra quyết định.",
            Vnd(fine_per_act),
            title.label(),
            Vnd(cap),
            offender.label()
        ),
    ))
}

/// Refuses a confiscation the title may not order, or of exhibits worth more than its limit:
/// the individual fining cap before 1/7/2025 (LHAV Art. 45: "không vượt quá mức tiền phạt"),
/// twice it for a Kiểm soát viên or an Đội trưởng under Decree 189/2025 Art. 12.
pub fn check_confiscation_competence(
    rules: &[CompetenceRule],
    title: Title,
    on: NaiveDate,
    value: i64,
    sector_max_individual: i64,
) -> Result<(), DomainError> {
    let rule = rule_or_refuse(rules, title, on)?;
    if !rule.may_confiscate {
        return Err(DomainError::refused(
            "law.competence_exceeded",
            format!(
                "{} không có thẩm quyền tịch thu tang vật, phương tiện.",
                title.label()
            ),
        ));
    }
    let Some(multiple) = rule.confiscation_cap_multiple else {
        return Ok(());
    };
    let limit = rule
        .individual_cap(sector_max_individual)
        .saturating_mul(i64::from(multiple));
    if value <= limit {
        return Ok(());
    }
    Err(DomainError::refused(
        "law.competence_exceeded",
        format!(
            "Tang vật, phương tiện trị giá {} vượt thẩm quyền tịch thu của {} (đến {}).",
            Vnd(value),
            title.label(),
            Vnd(limit)
        ),
    ))
}

/// The lowest title competent for the fine, to tell the officer who must sign.
pub fn lowest_competent_title(
    rules: &[CompetenceRule],
    on: NaiveDate,
    offender: OffenderKind,
    fine_per_act: i64,
    sector_max_individual: i64,
) -> Option<Title> {
    Title::ALL.iter().copied().find(|t| {
        check_fine_competence(rules, *t, on, offender, fine_per_act, sector_max_individual).is_ok()
    })
}

/// Decree 33/2022 Art. 4(1) as amended by Decree 241/2025: the Cục trưởng Cục QL&PTTTTN, the
/// Trưởng phòng Nghiệp vụ QLTT (not a `Title` here), the Chi cục trưởng and the Đội trưởng may
/// sign an inspection decision; a Kiểm soát viên never. `title` is the competent head's title;
/// `delegated` says whether the signer acts under that head's written delegation (Quyết định
/// giao quyền, Ordinance on QLTT Art. 21(2)–(3)); the head signing personally passes `true` as
/// well. For a deputy use `deputy_may_sign_inspection_decision`.
pub fn may_sign_inspection_decision(title: Title, delegated: bool) -> bool {
    let _ = delegated;
    !matches!(title, Title::InspectorOnDuty)
}

/// A deputy (Phó Đội trưởng, Phó Chi cục trưởng, Phó Cục trưởng) may sign only with a written
/// delegation from a head who may sign (Decree 33/2022 Art. 4(2)).
pub fn deputy_may_sign_inspection_decision(head: Title, has_delegation: bool) -> bool {
    has_delegation && may_sign_inspection_decision(head, true)
}

#[cfg(test)]
mod tests;
