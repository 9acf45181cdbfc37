//! Merging duplicate records of one business. The duplicate is marked as merged into the
//! survivor and kept (its history and the links to it keep working); the survivor keeps its
//! values and takes from the duplicate only what it lacks. Both records get an audit event naming
//! the other, in the same transaction.

use qltt_domain::officer::Permission;
use qltt_store::businesses::{self, BusinessRow};
use qltt_store::units;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Business, BusinessInput, as_input, diff, validate};
use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The record that stays (the survivor).
    pub into: String,
}

/// What a merge would do, shown before the officer confirms it.
#[derive(Debug, Clone, Serialize)]
pub struct MergePreview {
    pub duplicate: Business,
    pub survivor: Business,
    /// The survivor's empty fields the duplicate fills: (field, value).
    pub filled: Vec<(&'static str, String)>,
}

/// The survivor's values, with each empty optional field taken from the duplicate. Name, kind,
/// address and unit are always set, so they are always the survivor's.
pub fn fill_from(
    survivor: &BusinessRow,
    duplicate: &BusinessRow,
) -> (BusinessInput, Vec<&'static str>) {
    let mut input = as_input(survivor);
    let mut filled = Vec::new();
    macro_rules! fill {
        ($($f:ident),*) => { $(
            if input.$f.trim().is_empty() && !duplicate.$f.trim().is_empty() {
                input.$f = duplicate.$f.clone();
                filled.push(stringify!($f));
            }
        )* };
    }
    fill!(
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
    if input.tax_code.is_none() && duplicate.tax_code.is_some() {
        input.tax_code = duplicate.tax_code.clone();
        filled.push("tax_code");
    }
    if input.registration_date.is_none() && duplicate.registration_date.is_some() {
        input.registration_date = duplicate.registration_date.clone();
        filled.push("registration_date");
    }
    (input, filled)
}

fn value_of(input: &BusinessInput, field: &str) -> String {
    match field {
        "tax_code" => input.tax_code.clone().unwrap_or_default(),
        "registration_date" => input.registration_date.clone().unwrap_or_default(),
        "registration_no" => input.registration_no.clone(),
        "registration_issuer" => input.registration_issuer.clone(),
        "representative" => input.representative.clone(),
        "province" => input.province.clone(),
        "commune" => input.commune.clone(),
        "business_lines" => input.business_lines.clone(),
        "phone" => input.phone.clone(),
        "email" => input.email.clone(),
        "website" => input.website.clone(),
        "risk_note" => input.risk_note.clone(),
        _ => String::new(),
    }
}

fn refused(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::new(ErrorKind::Refused, code, message)
}

/// The rules of a merge, on the two records as read.
fn check(duplicate: &BusinessRow, survivor: &BusinessRow) -> AppResult<()> {
    if duplicate.id == survivor.id {
        return Err(refused(
            "business.merge_into_self",
            "Không thể gộp một hồ sơ vào chính nó; hãy chọn hồ sơ còn giữ lại.",
        ));
    }
    if duplicate.merged_into.is_some() {
        return Err(refused(
            "business.merged",
            "Hồ sơ này đã được gộp vào hồ sơ khác.",
        ));
    }
    if survivor.merged_into.is_some() {
        return Err(refused(
            "business.merge_into_merged",
            "Hồ sơ được chọn đã được gộp vào hồ sơ khác; hãy gộp vào hồ sơ còn hiệu lực.",
        ));
    }
    if let (Some(a), Some(b)) = (&duplicate.tax_code, &survivor.tax_code)
        && a != b
    {
        return Err(refused(
            "business.merge_tax_code_mismatch",
            format!(
                "Hai hồ sơ có mã số thuế khác nhau ({a} và {b}) là hai cơ sở khác nhau; nếu một mã nhập sai, hãy sửa mã đó trước."
            ),
        ));
    }
    Ok(())
}

fn summary(row: &BusinessRow) -> Value {
    json!({"id": row.id, "name": row.name, "tax_code": row.tax_code, "address": row.address})
}

impl App {
    /// What merging `id` into `into` would fill, after the same checks as the merge itself.
    pub async fn merge_preview(
        &self,
        actor: &Actor,
        id: &str,
        into: &str,
    ) -> AppResult<MergePreview> {
        actor.require(Permission::ManageBusinesses)?;
        let duplicate = self.business(actor, id).await?;
        let survivor = self.business(actor, into).await?;
        check(&duplicate.row, &survivor.row)?;
        let (input, filled) = fill_from(&survivor.row, &duplicate.row);
        let filled = filled
            .into_iter()
            .map(|f| (f, value_of(&input, f)))
            .collect();
        Ok(MergePreview {
            duplicate,
            survivor,
            filled,
        })
    }

    /// Merges the duplicate `id` into the survivor `into`; returns the survivor.
    #[tracing::instrument(skip(self, actor), fields(actor = %actor.id))]
    pub async fn merge_business(&self, actor: &Actor, id: &str, into: &str) -> AppResult<Business> {
        actor.require(Permission::ManageBusinesses)?;
        let mut tx = self.db.begin(self.now()).await?;
        // Both in scope, or 404 as for any other business outside it.
        let mut pair = Vec::with_capacity(2);
        for key in [id, into] {
            let row = businesses::get_in(tx.conn(), key)
                .await?
                .ok_or_else(|| AppError::not_found("business.not_found"))?;
            if !units::in_subtree(tx.conn(), &actor.unit_id, &row.unit_id).await? {
                return Err(AppError::not_found("business.not_found"));
            }
            pair.push(row);
        }
        let (Some(survivor), Some(duplicate)) = (pair.pop(), pair.pop()) else {
            return Err(AppError::internal("merge: two records expected"));
        };
        check(&duplicate, &survivor)?;
        let (input, filled) = fill_from(&survivor, &duplicate);
        let (fields, _) = validate(&input)?;
        // The duplicate first: it frees its tax code for the survivor (a tax code names one live
        // business).
        if !businesses::mark_merged(&mut tx, &duplicate.id, &survivor.id, duplicate.version).await?
        {
            return Err(super::stale(&duplicate));
        }
        if !filled.is_empty()
            && !businesses::update(&mut tx, &survivor.id, survivor.version, &fields).await?
        {
            return Err(super::stale(&survivor));
        }
        let after = businesses::get_in(tx.conn(), &survivor.id)
            .await?
            .ok_or_else(|| AppError::internal("survivor vanished during merge"))?;
        let filled = diff(&survivor, &after);
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "business.merge",
                entity_type: "business",
                entity_id: &duplicate.id,
                unit_id: &duplicate.unit_id,
                topic: "business.changed",
                details: json!({
                    "merged_into": {"from": Value::Null, "to": survivor.id},
                    "duplicate": summary(&duplicate),
                    "survivor": summary(&survivor),
                }),
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "business.merge_in",
                entity_type: "business",
                entity_id: &survivor.id,
                unit_id: &survivor.unit_id,
                topic: "business.changed",
                details: json!({
                    "duplicate": summary(&duplicate),
                    "survivor": summary(&survivor),
                    "filled": filled,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.business_view(after).await
    }

    /// The records merged into this one (for its page).
    pub async fn merged_duplicates(&self, actor: &Actor, id: &str) -> AppResult<Vec<BusinessRow>> {
        let b = self.business(actor, id).await?;
        Ok(businesses::merged_into(self.db.pool(), &b.row.id).await?)
    }
}
