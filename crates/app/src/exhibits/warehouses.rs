//! Warehouses of a unit and their cameras (registered per zone, referenced by custody events).

use qltt_domain::officer::Permission;
use qltt_domain::text::bounded;
use qltt_store::warehouses::{self as store, CameraRow, NewCamera, NewWarehouse, WarehouseRow};
use serde::Deserialize;
use serde_json::json;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehouseInput {
    pub unit_id: String,
    /// Short code unique in the unit, e.g. "KHO-01".
    pub code: String,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CameraInput {
    pub code: String,
    #[serde(default)]
    pub zone: Option<String>,
    pub description: String,
}

fn not_found() -> AppError {
    AppError::not_found("warehouse.not_found")
}

impl App {
    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn create_warehouse(
        &self,
        actor: &Actor,
        input: WarehouseInput,
    ) -> AppResult<WarehouseRow> {
        actor.require(Permission::ManageWarehouses)?;
        let code = bounded("code", &input.code, 30, true)?.to_uppercase();
        let name = bounded("name", &input.name, 200, true)?;
        let address = bounded("address", &input.address, 500, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        let unit = qltt_store::units::get_in(tx.conn(), input.unit_id.trim())
            .await?
            .ok_or_else(|| {
                AppError::bad_input("warehouse.unknown_unit", "Đơn vị không tồn tại.")
            })?;
        if !qltt_store::units::in_subtree(tx.conn(), &actor.unit_id, &unit.id).await? {
            return Err(AppError::forbidden_scope());
        }
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM warehouses WHERE unit_id = $1 AND code = $2")
                .bind(&unit.id)
                .bind(&code)
                .fetch_optional(tx.conn())
                .await
                .map_err(qltt_store::StoreError::from)?;
        if taken.is_some() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "warehouse.duplicate_code",
                format!("Đơn vị đã có kho mã {code}."),
            ));
        }
        let row = store::insert(
            &mut tx,
            &NewWarehouse {
                unit_id: &unit.id,
                code: &code,
                name: &name,
                address: &address,
                created_by: &actor.id,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "warehouse.create",
                entity_type: "warehouse",
                entity_id: &row.id,
                unit_id: &row.unit_id,
                topic: "warehouse.changed",
                details: json!({"code": row.code, "name": row.name, "address": row.address}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn list_warehouses(&self, actor: &Actor) -> AppResult<Vec<WarehouseRow>> {
        actor.require(Permission::ViewExhibits)?;
        Ok(store::list(self.db.pool(), &actor.unit_id).await?)
    }

    pub async fn warehouse(&self, actor: &Actor, id: &str) -> AppResult<WarehouseRow> {
        actor.require(Permission::ViewExhibits)?;
        let row = store::get(self.db.pool(), id)
            .await?
            .ok_or_else(not_found)?;
        if !self.in_scope(actor, &row.unit_id).await? {
            return Err(not_found());
        }
        Ok(row)
    }

    pub async fn warehouse_cameras(&self, actor: &Actor, id: &str) -> AppResult<Vec<CameraRow>> {
        let w = self.warehouse(actor, id).await?;
        Ok(store::cameras(self.db.pool(), &w.id).await?)
    }

    #[tracing::instrument(skip(self, actor, input), fields(actor = %actor.id))]
    pub async fn register_camera(
        &self,
        actor: &Actor,
        warehouse_id: &str,
        input: CameraInput,
    ) -> AppResult<CameraRow> {
        actor.require(Permission::ManageWarehouses)?;
        let w = self.warehouse(actor, warehouse_id).await?;
        let code = bounded("code", &input.code, 30, true)?.to_uppercase();
        let zone = match input.zone.as_deref() {
            Some(z) if !z.trim().is_empty() => Some(bounded("zone", z, 50, false)?),
            _ => None,
        };
        let description = bounded("description", &input.description, 300, true)?;
        let mut tx = self.db.begin(self.now()).await?;
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT id FROM cameras WHERE warehouse_id = $1 AND code = $2")
                .bind(&w.id)
                .bind(&code)
                .fetch_optional(tx.conn())
                .await
                .map_err(qltt_store::StoreError::from)?;
        if taken.is_some() {
            return Err(AppError::new(
                ErrorKind::Conflict,
                "warehouse.duplicate_camera",
                format!("Kho đã có camera mã {code}."),
            ));
        }
        let row = store::insert_camera(
            &mut tx,
            &NewCamera {
                warehouse_id: &w.id,
                code: &code,
                zone: zone.as_deref(),
                description: &description,
                created_by: &actor.id,
            },
        )
        .await?;
        crate::record(
            &mut tx,
            actor,
            crate::Change {
                action: "camera.register",
                entity_type: "camera",
                entity_id: &row.id,
                unit_id: &w.unit_id,
                topic: "warehouse.changed",
                details: json!({"warehouse_id": w.id, "code": row.code, "zone": row.zone}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }
}
