//! Demo cases on first start: one case in each stage a team meets in a week, taken through the
//! same use cases as officers use (so every step is audited and numbered like a real one).

use qltt_domain::format::legal_day;
use qltt_domain::officer::parse_roles;
use qltt_store::{businesses, units, users};
use serde_json::{Value, json};

use crate::cases::input::NewCaseInput;
use crate::commitments::{CampaignInput, CommitmentInput};
use crate::{Actor, App, AppError, AppResult};

impl App {
    /// The actor of a demo officer (system use: no session).
    async fn demo_actor(&self, username: &str) -> AppResult<Actor> {
        let u = users::get_by_username(self.db.pool(), username)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo officer {username} missing")))?;
        let roles = parse_roles(&users::roles(self.db.pool(), &u.id).await?)?;
        Ok(Actor {
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            unit_id: u.unit_id,
            roles,
            token_id: String::new(),
            csrf: None,
        })
    }

    /// Called by `qltt serve` on a fresh database after `load_demo` (tests start without cases).
    pub async fn load_demo_cases(&self) -> AppResult<()> {
        let ksv = self.demo_actor("qn.ksv1").await?;
        let leader = self.demo_actor("qn.doitruong1").await?;
        let d1 = units::get_by_code(self.db.pool(), "QN-D1")
            .await?
            .ok_or_else(|| AppError::internal("demo unit QN-D1 missing"))?;
        let shops = businesses::search(self.db.pool(), &d1.id, &[], None, 10).await?;
        let shop = |i: usize| shops.get(i % shops.len().max(1)).map(|b| b.id.clone());
        let today = legal_day(self.now()).format("%Y-%m-%d").to_string();
        let now = self.now();
        let open = |business: Option<String>, origin: &str, summary: &str| NewCaseInput {
            business_id: business,
            unit_id: d1.id.clone(),
            origin: origin.into(),
            summary: summary.into(),
        };
        let violation = |code: &str, facts: &str, name: &str| {
            json!({
                "recorded_at": now, "place": "Tại cơ sở kinh doanh",
                "offender": {"kind": "individual", "name": name, "address": "Hạ Long, Quảng Ninh"},
                "violations": [{"violation_type_id": code, "facts": facts}],
                "witnesses": [{"name": "Phạm Văn Nam"}]
            })
        };
        // A commitment campaign of the province this year; two shops signed it (one of them is
        // then caught in the act below, so its case is flagged).
        let head = self.demo_actor("qn.chicuctruong").await?;
        let year = legal_day(self.now()).format("%Y").to_string();
        let campaign = self
            .create_commitment_campaign(
                &head,
                CampaignInput {
                    unit_id: head.unit_id.clone(),
                    name: format!("Cam kết không kinh doanh hàng giả, hàng nhập lậu năm {year}"),
                    content: "Cơ sở cam kết không sản xuất, kinh doanh hàng giả, hàng nhập lậu, hàng \
                              không rõ nguồn gốc, xuất xứ; chịu trách nhiệm trước pháp luật nếu vi phạm."
                        .into(),
                    starts_on: format!("{year}-01-01"),
                    ends_on: Some(format!("{year}-12-31")),
                },
            )
            .await?;
        for (i, who) in [(3, "Trần Văn Hùng"), (5, "Ngô Thị Lan")] {
            if let Some(business_id) = shop(i) {
                self.record_commitment(
                    &ksv,
                    &campaign.row.id,
                    CommitmentInput {
                        business_id,
                        signed_on: today.clone(),
                        signed_by_name: who.into(),
                        note: String::new(),
                    },
                )
                .await?;
            }
        }
        let team = json!([ksv.id]);
        let decide = json!({"inspection_team": team, "scope": "Kiểm tra nguồn gốc, xuất xứ hàng hóa", "start_on": today, "end_on": today});

        // A tip not yet acted on.
        self.open_case(
            &ksv,
            open(shop(0), "tip", "Tin báo: cơ sở bán thuốc lá điếu nhập lậu"),
        )
        .await?;
        // A proposal waiting for the team leader's inspection decision.
        let c = self
            .open_case(
                &ksv,
                open(
                    shop(1),
                    "signs",
                    "Dấu hiệu kinh doanh mỹ phẩm không rõ nguồn gốc",
                ),
            )
            .await?;
        self.act_on_case(&ksv, &c.row.id, "propose", json!({"content": "Đề xuất kiểm tra đột xuất cơ sở", "suspected_violation": "Mỹ phẩm không rõ nguồn gốc"}))
            .await?;
        // An inspection decided, the team on its way.
        let c = self
            .open_case(
                &ksv,
                open(
                    shop(2),
                    "plan",
                    "Kiểm tra theo kế hoạch quý: cửa hàng điện máy",
                ),
            )
            .await?;
        self.act_on_case(&leader, &c.row.id, "decide_inspection", decide.clone())
            .await?;
        // Caught in the act, waiting for the sanction decision (7 days).
        let c = self
            .open_case(
                &ksv,
                open(
                    shop(3),
                    "caught_in_act",
                    "Quả tang bày bán rượu ngoại nhập lậu",
                ),
            )
            .await?;
        self.act_on_case(
            &ksv,
            &c.row.id,
            "record_violation",
            violation(
                "D98-15-1-b",
                "Bày bán 6 chai rượu ngoại không có hóa đơn, chứng từ, trị giá 4.200.000 đồng",
                "Trần Văn Hùng",
            ),
        )
        .await?;
        // A larger case: the offender asked to explain in writing.
        let c = self
            .open_case(
                &ksv,
                open(shop(4), "signs", "Kinh doanh quần áo giả nhãn hiệu"),
            )
            .await?;
        self.act_on_case(&leader, &c.row.id, "decide_inspection", decide.clone())
            .await?;
        self.act_on_case(&ksv, &c.row.id, "record_inspection", json!({"inspected_at": now, "place": "Tại cơ sở", "findings": "Phát hiện hàng nhập lậu chưa có hóa đơn", "violation_found": true}))
            .await?;
        self.act_on_case(
            &ksv,
            &c.row.id,
            "record_violation",
            violation(
                "D98-15-1-e",
                "Kinh doanh 300 bộ quần áo nhập lậu, trị giá 38.000.000 đồng",
                "Lê Thị Thu",
            ),
        )
        .await?;
        self.act_on_case(
            &ksv,
            &c.row.id,
            "request_explanation",
            json!({"mode": "written", "requested_on": today}),
        )
        .await?;
        // Sanctioned and delivered, waiting for the payment.
        let c = self
            .open_case(
                &ksv,
                open(
                    shop(5),
                    "caught_in_act",
                    "Bán hàng không rõ nguồn gốc tại chợ Hạ Long",
                ),
            )
            .await?;
        self.act_on_case(
            &ksv,
            &c.row.id,
            "record_violation",
            violation(
                "D98-15-1-a",
                "Bày bán 20 hộp bánh kẹo nhập lậu, trị giá 1.500.000 đồng",
                "Ngô Thị Lan",
            ),
        )
        .await?;
        self.act_on_case(&leader, &c.row.id, "issue_sanction", json!({"issued_on": today, "fines": [{"violation_type_id": "D98-15-1-a", "amount": 750000}], "additional_penalties": ["Tịch thu tang vật"]}))
            .await?;
        self.act_on_case(
            &ksv,
            &c.row.id,
            "deliver_decision",
            json!({"delivered_on": today}),
        )
        .await?;
        // A case closed after an inspection that found nothing.
        let c = self
            .open_case(
                &ksv,
                open(shop(6), "plan", "Kiểm tra định kỳ cửa hàng tạp hóa"),
            )
            .await?;
        self.act_on_case(&leader, &c.row.id, "decide_inspection", decide)
            .await?;
        self.act_on_case(&ksv, &c.row.id, "record_inspection", json!({"inspected_at": now, "place": "Tại cơ sở", "findings": "Hàng hóa có đủ hóa đơn, chứng từ", "violation_found": false}))
            .await?;
        let close: Value = json!({"closed_on": today, "note": "Không phát hiện vi phạm"});
        self.act_on_case(&ksv, &c.row.id, "close", close).await?;
        Ok(())
    }
}
