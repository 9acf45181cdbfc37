//! Use cases of the business register: register, correct (with history), find, import.

pub mod import;
pub mod merge;
pub mod timeline;

use qltt_domain::DomainError;
use qltt_domain::business::{
    BusinessKind, TaxCode, check_email, check_phone, check_tax_code_for_kind, fold,
};
use qltt_domain::format::parse_date;
use qltt_domain::officer::Permission;
use qltt_domain::text::bounded;
use qltt_store::businesses::{self, BusinessFields, BusinessRow};
use qltt_store::{StoreError, audit, units};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// What an officer types to register a business (api.md: name, kind, tax_code, address, unit_id;
/// the rest optional).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessInput {
    pub name: String,
    /// enterprise | household | individual | cooperative | branch | online_store
    pub kind: String,
    pub tax_code: Option<String>,
    pub address: String,
    /// The team whose area the business is in.
    pub unit_id: String,
    #[serde(default)]
    pub registration_no: String,
    /// YYYY-MM-DD (or dd/mm/yyyy)
    pub registration_date: Option<String>,
    #[serde(default)]
    pub registration_issuer: String,
    #[serde(default)]
    pub representative: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub business_lines: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub risk_note: String,
}

/// A correction: only the fields given change. `version` (from the last read) guards against
/// overwriting another officer's change made in between.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub tax_code: Option<String>,
    pub address: Option<String>,
    pub unit_id: Option<String>,
    pub registration_no: Option<String>,
    pub registration_date: Option<String>,
    pub registration_issuer: Option<String>,
    pub representative: Option<String>,
    pub province: Option<String>,
    pub commune: Option<String>,
    pub business_lines: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub risk_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Business {
    #[serde(flatten)]
    pub row: BusinessRow,
    pub unit_name: String,
    pub kind_label: String,
    /// For a merged record: the live record it now stands for (the end of its chain of merges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survivor_id: Option<String>,
}

/// One change in a business's history: who, when, which fields from what to what.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: String,
    pub actor_id: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub changes: Value,
}

pub struct BusinessPage {
    pub items: Vec<Business>,
    pub next_cursor: Option<String>,
}

/// Validates raw input into storable fields (everything but the unit's scope and existence).
pub fn validate(input: &BusinessInput) -> Result<(BusinessFields, BusinessKind), DomainError> {
    let kind = BusinessKind::parse(&input.kind)?;
    let tax_code = match input.tax_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(TaxCode::parse(raw)?),
    };
    check_tax_code_for_kind(kind, tax_code.as_ref())?;
    let registration_date = match input.registration_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            parse_date(raw)
                .ok_or_else(|| {
                    DomainError::invalid(
                        "registration_date",
                        "validation.invalid_date",
                        "Ngày không hợp lệ (dd/mm/yyyy).",
                    )
                })?
                .format("%Y-%m-%d")
                .to_string(),
        ),
    };
    let mut f = BusinessFields {
        unit_id: input.unit_id.trim().to_string(),
        kind: kind.as_str().to_string(),
        name: bounded("name", &input.name, 300, true)?,
        tax_code: tax_code.map(String::from),
        registration_no: bounded("registration_no", &input.registration_no, 50, false)?,
        registration_date,
        registration_issuer: bounded(
            "registration_issuer",
            &input.registration_issuer,
            200,
            false,
        )?,
        representative: bounded("representative", &input.representative, 120, false)?,
        address: bounded("address", &input.address, 500, true)?,
        province: bounded("province", &input.province, 100, false)?,
        commune: bounded("commune", &input.commune, 100, false)?,
        business_lines: bounded("business_lines", &input.business_lines, 1000, false)?,
        phone: check_phone(&input.phone)?,
        email: check_email(&input.email)?,
        website: bounded("website", &input.website, 300, false)?,
        risk_note: bounded("risk_note", &input.risk_note, 2000, false)?,
        search_text: String::new(),
    };
    f.search_text = fold(&format!(
        "{} {} {} {} {} {} {}",
        f.name,
        f.tax_code.as_deref().unwrap_or(""),
        f.address,
        f.representative,
        f.registration_no,
        f.phone,
        f.business_lines
    ));
    Ok((f, kind))
}

fn as_input(row: &BusinessRow) -> BusinessInput {
    BusinessInput {
        name: row.name.clone(),
        kind: row.kind.clone(),
        tax_code: row.tax_code.clone(),
        address: row.address.clone(),
        unit_id: row.unit_id.clone(),
        registration_no: row.registration_no.clone(),
        registration_date: row.registration_date.clone(),
        registration_issuer: row.registration_issuer.clone(),
        representative: row.representative.clone(),
        province: row.province.clone(),
        commune: row.commune.clone(),
        business_lines: row.business_lines.clone(),
        phone: row.phone.clone(),
        email: row.email.clone(),
        website: row.website.clone(),
        risk_note: row.risk_note.clone(),
    }
}

fn apply(mut base: BusinessInput, p: BusinessPatch) -> BusinessInput {
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = p.$f { base.$f = v; } )* };
    }
    set!(
        name,
        kind,
        address,
        unit_id,
        registration_no,
        registration_issuer,
        representative,
        province,
        commune,
        business_lines,
        phone,
        email,
        website,
        risk_note
    );
    if let Some(t) = p.tax_code {
        base.tax_code = Some(t);
    }
    if let Some(d) = p.registration_date {
        base.registration_date = Some(d);
    }
    base
}

/// The fields that differ, as {"field": {"from": …, "to": …}} for the audit trail.
fn diff(before: &BusinessRow, after: &BusinessRow) -> Value {
    let (b, a) = (json!(before), json!(after));
    let mut out = Map::new();
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, av) in a {
            if matches!(k.as_str(), "version" | "updated_at" | "created_at") {
                continue;
            }
            let bv = b.get(k).cloned().unwrap_or(Value::Null);
            if &bv != av {
                out.insert(k.clone(), json!({"from": bv, "to": av}));
            }
        }
    }
    Value::Object(out)
}

fn tax_code_taken(code: Option<&str>) -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "business.tax_code_taken",
        format!(
            "Mã số thuế {} đã có trong sổ đăng ký; hãy tìm và cập nhật hồ sơ đó.",
            code.unwrap_or("")
        ),
    )
}

impl App {
    async fn business_view(&self, row: BusinessRow) -> AppResult<Business> {
        let unit_name = self.unit_name(&row.unit_id).await?.unwrap_or_default();
        self.business_view_named(row, unit_name).await
    }

    /// The views of a page of businesses: most share a handful of teams, so each team's name is
    /// read once (a page of 20 read it 20 times).
    async fn business_views(&self, rows: Vec<BusinessRow>) -> AppResult<Vec<Business>> {
        let mut names: std::collections::HashMap<String, String> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let unit_name = match names.get(&row.unit_id) {
                Some(n) => n.clone(),
                None => {
                    let n = self.unit_name(&row.unit_id).await?.unwrap_or_default();
                    names.insert(row.unit_id.clone(), n.clone());
                    n
                }
            };
            out.push(self.business_view_named(row, unit_name).await?);
        }
        Ok(out)
    }

    async fn business_view_named(
        &self,
        row: BusinessRow,
        unit_name: String,
    ) -> AppResult<Business> {
        let kind_label = BusinessKind::parse(&row.kind)
            .map(|k| k.label().to_string())
            .unwrap_or_default();
        let survivor_id = match &row.merged_into {
            Some(_) => businesses::survivor_of(self.db.pool(), &row.id).await?,
            None => None,
        };
        Ok(Business {
            row,
            unit_name,
            kind_label,
            survivor_id,
        })
    }

    async fn check_business_unit(
        &self,
        tx: &mut qltt_store::WriteTx,
        actor: &Actor,
        unit_id: &str,
    ) -> AppResult<()> {
        let unit = units::get_in(tx.conn(), unit_id).await?.ok_or_else(|| {
            AppError::bad_input(
                "business.unknown_unit",
                "Đơn vị quản lý địa bàn không tồn tại.",
            )
        })?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
            return Err(AppError::forbidden_scope());
        }
        if !unit.active() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "unit.inactive",
                "Đơn vị đã sáp nhập; hãy chọn đơn vị mới quản lý địa bàn.",
            ));
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn register_business(
        &self,
        actor: &Actor,
        input: BusinessInput,
    ) -> AppResult<Business> {
        actor.require(Permission::ManageBusinesses)?;
        let (fields, _) = validate(&input)?;
        let mut tx = self.db.begin(self.now()).await?;
        self.check_business_unit(&mut tx, actor, &fields.unit_id)
            .await?;
        let row = businesses::insert(&mut tx, &fields)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => tax_code_taken(fields.tax_code.as_deref()),
                other => other.into(),
            })?;
        let mut details = json!(row);
        if let Some(obj) = details.as_object_mut() {
            obj.remove("version");
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "business.create",
                entity_type: "business",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "business.changed",
                details,
            },
        )
        .await?;
        tx.commit().await?;
        self.business_view(row).await
    }

    #[tracing::instrument(skip(self, actor, patch), fields(actor = %actor.id))]
    pub async fn correct_business(
        &self,
        actor: &Actor,
        id: &str,
        patch: BusinessPatch,
    ) -> AppResult<Business> {
        actor.require(Permission::ManageBusinesses)?;
        let mut tx = self.db.begin(self.now()).await?;
        let before = businesses::get_in(tx.conn(), id)
            .await?
            .ok_or_else(|| AppError::not_found("business.not_found"))?;
        if !units::in_subtree(tx.conn(), &actor.unit_id, &before.unit_id).await? {
            return Err(AppError::not_found("business.not_found"));
        }
        if before.merged_into.is_some() {
            return Err(AppError::new(
                ErrorKind::Refused,
                "business.merged",
                "Hồ sơ này đã được gộp vào hồ sơ khác; hãy sửa hồ sơ còn hiệu lực.",
            ));
        }
        let expected = patch.version.unwrap_or(before.version);
        if expected != before.version {
            return Err(stale(&before));
        }
        let input = apply(as_input(&before), patch);
        let (fields, _) = validate(&input)?;
        if fields.unit_id != before.unit_id {
            self.check_business_unit(&mut tx, actor, &fields.unit_id)
                .await?;
        }
        let updated = businesses::update(&mut tx, id, expected, &fields)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => tax_code_taken(fields.tax_code.as_deref()),
                other => other.into(),
            })?;
        if !updated {
            return Err(stale(&before));
        }
        let after = businesses::get_in(tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let changes = diff(&before, &after);
        if changes.as_object().is_some_and(|m| m.is_empty()) {
            tx.rollback().await?;
            return self.business_view(before).await;
        }
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "business.update",
                entity_type: "business",
                entity_id: id,
                // The event belongs to the unit the business is in now; a move is in the details.
                unit_id: &after.unit_id,
                topic: "business.changed",
                details: changes,
            },
        )
        .await?;
        tx.commit().await?;
        self.business_view(after).await
    }

    pub async fn business(&self, actor: &Actor, id: &str) -> AppResult<Business> {
        actor.require(Permission::ViewBusinesses)?;
        let row = businesses::get(self.db.pool(), id)
            .await?
            .ok_or_else(|| AppError::not_found("business.not_found"))?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(AppError::not_found("business.not_found"));
        }
        self.business_view(row).await
    }

    /// Who changed what, oldest first.
    pub async fn business_history(&self, actor: &Actor, id: &str) -> AppResult<Vec<HistoryEntry>> {
        let b = self.business(actor, id).await?;
        // The business is in scope; its events may have been written under a unit it has since
        // left, so read them by entity from the chain's root scope.
        let root = self.root_unit().await?;
        let mut events = audit::list(self.db.pool(), &root.id, Some(&b.row.id), None, 500).await?;
        events.reverse();
        Ok(events
            .into_iter()
            .filter(|e| e.entity_type == "business")
            .map(|e| HistoryEntry {
                at: e.at,
                actor_id: e.actor_id,
                action: e.action,
                changes: serde_json::from_str(&e.details).unwrap_or(Value::Null),
            })
            .collect())
    }

    /// Finds businesses in scope by any words of name, tax code, address, owner, phone or lines,
    /// typed with or without diacritics.
    pub async fn search_businesses(
        &self,
        actor: &Actor,
        q: &str,
        cursor: Option<&str>,
        limit: i64,
    ) -> AppResult<BusinessPage> {
        actor.require(Permission::ViewBusinesses)?;
        let q = bounded("q", q, 200, false)?;
        let mut words: Vec<String> = fold(&q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        // A tax code typed with dots or a dash still finds the stored form.
        if let Ok(t) = TaxCode::parse(&q) {
            words = vec![t.as_str().to_string()];
        }
        words.truncate(8);
        let limit = limit.clamp(1, 200);
        let after = cursor.and_then(|c| c.split_once('\u{1f}'));
        let rows =
            businesses::search(self.db.pool(), &actor.unit_id, &words, after, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let items = self
            .business_views(rows.into_iter().take(limit as usize).collect())
            .await?;
        let next_cursor = if more {
            items
                .last()
                .map(|b| format!("{}\u{1f}{}", b.row.name, b.row.id))
        } else {
            None
        };
        Ok(BusinessPage { items, next_cursor })
    }
}

pub(crate) fn stale(current: &BusinessRow) -> AppError {
    AppError::new(
        ErrorKind::Conflict,
        "business.version_conflict",
        format!(
            "Hồ sơ vừa được người khác cập nhật (phiên bản {}); hãy tải lại rồi sửa.",
            current.version
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn input() -> BusinessInput {
        BusinessInput {
            name: "Công ty TNHH Mỹ phẩm Hạ Long".into(),
            kind: "enterprise".into(),
            tax_code: Some("0100233488".into()),
            address: "Số 5 đường Trần Hưng Đạo, phường Hồng Gai".into(),
            unit_id: "u".into(),
            phone: "0203 3825 123".into(),
            ..BusinessInput::default()
        }
    }

    #[test]
    fn the_search_text_is_folded() {
        let (f, _) = validate(&input()).unwrap();
        assert!(f.search_text.contains("cong ty tnhh my pham ha long"));
        assert!(f.search_text.contains("0100233488"));
    }

    #[test]
    fn invalid_fields_name_themselves() {
        let mut i = input();
        i.email = "khong-phai-email".into();
        assert_eq!(
            validate(&i).map(|_| ()).map_err(|e| e.code()),
            Err("business.invalid_email")
        );
        let mut i = input();
        i.registration_date = Some("31/02/2024".into());
        assert_eq!(
            validate(&i).map(|_| ()).map_err(|e| e.code()),
            Err("validation.invalid_date")
        );
        let mut i = input();
        i.tax_code = Some("0100233480".into());
        assert_eq!(
            validate(&i).map(|_| ()).map_err(|e| e.code()),
            Err("business.invalid_tax_code")
        );
    }
}
