//! `/reports`: the leader's dashboard. Period and unit pickers, the figures as cards, a trend and
//! breakdowns by unit and violation group as server-drawn SVG, each figure linking to the cases
//! behind it (`/cases?report=…`), and the exports (XLSX, CSV, PDF) of the summary by unit.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use qltt_app::AppError;
use qltt_app::reports::{Figures, Summary, SummaryQuery};
use qltt_domain::format::{Vnd, format_date, legal_day, parse_date};
use qltt_domain::report::{Measure, Period};
use serde::Deserialize;

use super::charts::{self, Item};
use super::{Layout, PageActor, error_page, render};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    unit: String,
}

pub struct Card {
    pub label: &'static str,
    pub text: String,
    pub href: String,
}

pub struct TableRow {
    pub label: String,
    pub cells: Vec<String>,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    layout: Layout,
    from: String,
    to: String,
    unit: String,
    unit_name: String,
    period_text: String,
    units: Vec<(String, String)>,
    cards: Vec<Card>,
    trend_cases: String,
    trend_fines: String,
    by_unit: String,
    by_group: String,
    headers: Vec<&'static str>,
    unit_rows: Vec<TableRow>,
    group_rows: Vec<TableRow>,
    export: String,
    /// Deadlines at risk (as of today, whatever the period).
    risk: qltt_app::reports::risk::DeadlineRisk,
    risk_chart: String,
    /// (label, overdue, due soon, drill-down of each) per unit, then per kind of deadline.
    risk_units: Vec<RiskLine>,
    risk_kinds: Vec<RiskLine>,
    risk_overdue_href: String,
    risk_soon_href: String,
}

pub struct RiskLine {
    pub label: String,
    pub overdue: i64,
    pub due_soon: i64,
    pub overdue_href: Option<String>,
    pub soon_href: Option<String>,
}

/// The cases behind a deadlines-at-risk figure (the list wants a period: today's date).
fn risk_drill(key: &str, today: &str, unit: &str) -> String {
    format!("/cases?report={key}&from={today}&to={today}&unit={unit}")
}

fn text(m: Measure, v: i64) -> String {
    if m.is_money() {
        Vnd(v).display()
    } else {
        Vnd(v).grouped()
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn drill(measure: &str, from: &str, to: &str, unit: &str) -> String {
    format!("/cases?report={measure}&from={from}&to={to}&unit={unit}")
}

fn table_row(label: String, f: &Figures, href: Option<String>) -> TableRow {
    let mut cells: Vec<String> = Measure::ALL.iter().map(|m| text(*m, f.get(*m))).collect();
    cells.push(Vnd(f.fines_outstanding).display());
    TableRow { label, cells, href }
}

fn parse(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    parse_date(raw.trim()).map(Some).ok_or_else(|| {
        AppError::bad_input(
            "validation.invalid_date",
            format!("Ngày không hợp lệ ({field})."),
        )
    })
}

pub async fn dashboard(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(q): Query<ReportQuery>,
) -> Response {
    let layout = Layout::for_actor(&state.app, &actor, "Báo cáo", "/reports").await;
    let app = &state.app;
    let (from, to) = match (parse("from", &q.from), parse("to", &q.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return error_page(layout, &e),
    };
    let to = to.unwrap_or_else(|| legal_day(app.now()));
    let from = from.unwrap_or_else(|| Period::Year.start_of(to));
    // A short period is drawn by day, a longer one by month.
    let trend = if (to - from).num_days() <= 62 {
        "day"
    } else {
        "month"
    };
    let ask = |g: &str| SummaryQuery {
        from: Some(from),
        to: Some(to),
        unit_id: Some(q.unit.clone()).filter(|u| !u.is_empty()),
        group_by: Some(g.to_string()),
    };
    let (units, by_unit, by_group, by_time) = match (
        app.report_units(&actor).await,
        app.report_summary(&actor, &ask("unit")).await,
        app.report_summary(&actor, &ask("group")).await,
        app.report_summary(&actor, &ask(trend)).await,
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            return error_page(layout, &e);
        }
    };
    let risk = match app
        .deadline_risk(&actor, Some(q.unit.as_str()).filter(|u| !u.is_empty()))
        .await
    {
        Ok(r) => r,
        Err(e) => return error_page(layout, &e),
    };
    let s: &Summary = &by_unit;
    let (f, t, u) = (s.from.clone(), s.to.clone(), s.unit_id.clone());
    let mut cards: Vec<Card> = Measure::ALL
        .iter()
        .map(|m| Card {
            label: m.label(),
            text: text(*m, s.totals.get(*m)),
            href: drill(m.as_str(), &f, &t, &u),
        })
        .collect();
    cards.push(Card {
        label: "Tiền phạt chưa thu (đến cuối kỳ)",
        text: Vnd(s.totals.fines_outstanding).display(),
        href: drill("fines_imposed", "2000-01-01", &t, &u),
    });
    let points = |m: Measure| -> Vec<Item> {
        by_time
            .rows
            .iter()
            .map(|r| {
                let start = parse_date(&r.key).unwrap_or(from);
                let end = if trend == "day" {
                    start
                } else {
                    Period::Month.next(start).pred_opt().unwrap_or(start)
                };
                Item {
                    label: r.label.clone(),
                    value: r.figures.get(m),
                    text: text(m, r.figures.get(m)),
                    href: Some(drill(
                        m.as_str(),
                        &day(start.max(from)),
                        &day(end.min(to)),
                        &u,
                    )),
                }
            })
            .collect()
    };
    let unit_items: Vec<Item> = by_unit
        .rows
        .iter()
        .map(|r| Item {
            label: r.label.clone(),
            value: r.figures.fines_imposed,
            text: format!(
                "{} · {} vụ vi phạm",
                Vnd(r.figures.fines_imposed).display(),
                r.figures.cases_with_violations
            ),
            href: Some(drill("fines_imposed", &f, &t, &r.key)),
        })
        .collect();
    let group_items: Vec<Item> = by_group
        .rows
        .iter()
        .map(|r| Item {
            label: r.label.clone(),
            value: r.figures.violations,
            text: format!(
                "{} hành vi · {}",
                r.figures.violations,
                Vnd(r.figures.fines_imposed).display()
            ),
            href: None,
        })
        .collect();
    let mut headers: Vec<&'static str> = Measure::ALL.iter().map(|m| m.label()).collect();
    headers.push("Tiền phạt chưa thu");
    let mut unit_rows: Vec<TableRow> = by_unit
        .rows
        .iter()
        .map(|r| {
            table_row(
                r.label.clone(),
                &r.figures,
                Some(drill("cases_inspected", &f, &t, &r.key)),
            )
        })
        .collect();
    unit_rows.push(table_row("Tổng cộng".into(), &s.totals, None));
    let group_rows = by_group
        .rows
        .iter()
        .map(|r| table_row(r.label.clone(), &r.figures, None))
        .collect();
    use qltt_app::reports::risk::{DUE_SOON, OVERDUE};
    let today = risk.today.clone();
    let risk_units: Vec<RiskLine> = risk
        .by_unit
        .iter()
        .map(|r| RiskLine {
            label: r.label.clone(),
            overdue: r.overdue,
            due_soon: r.due_soon,
            overdue_href: (r.overdue > 0).then(|| risk_drill(OVERDUE, &today, &r.key)),
            soon_href: (r.due_soon > 0).then(|| risk_drill(DUE_SOON, &today, &r.key)),
        })
        .collect();
    let risk_kinds: Vec<RiskLine> = risk
        .by_kind
        .iter()
        .map(|r| RiskLine {
            label: r.label.clone(),
            overdue: r.overdue,
            due_soon: r.due_soon,
            overdue_href: None,
            soon_href: None,
        })
        .collect();
    let risk_items: Vec<Item> = risk
        .by_unit
        .iter()
        .filter(|r| r.overdue + r.due_soon > 0)
        .map(|r| Item {
            label: r.label.clone(),
            value: r.overdue,
            text: format!("{} quá hạn · {} sắp đến hạn", r.overdue, r.due_soon),
            href: Some(risk_drill(OVERDUE, &today, &r.key)),
        })
        .collect();
    render(&ReportPage {
        risk_chart: charts::bars("Thời hạn đã quá theo đơn vị", &risk_items),
        risk_overdue_href: risk_drill(OVERDUE, &today, &risk.unit_id),
        risk_soon_href: risk_drill(DUE_SOON, &today, &risk.unit_id),
        risk_units,
        risk_kinds,
        risk,
        layout,
        period_text: format!("từ {} đến {}", format_date(from), format_date(to)),
        from: f.clone(),
        to: t.clone(),
        unit: u.clone(),
        unit_name: s.unit_name.clone(),
        units,
        cards,
        trend_cases: charts::columns(
            "Vụ việc có vi phạm theo thời gian",
            &points(Measure::CasesWithViolations),
        ),
        trend_fines: charts::columns("Tiền phạt theo thời gian", &points(Measure::FinesImposed)),
        by_unit: charts::bars("Tiền phạt theo đơn vị", &unit_items),
        by_group: charts::bars("Hành vi vi phạm theo nhóm", &group_items),
        headers,
        unit_rows,
        group_rows,
        export: format!("from={f}&to={t}&unit={u}"),
    })
}
