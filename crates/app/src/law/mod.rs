//! The two calculators of the case pages (ins.md "Calculator endpoints"): the fine for an act and
//! the deadlines that run from a violation record. Pure rules from `domain::law`; the only thing
//! read here is the working-day calendar.

use qltt_domain::law::deadlines::{self, DeadlineInput, Deadlines};
use qltt_domain::law::fine::{self, FineAssessment, FineInput};
use qltt_domain::officer::Permission;

use crate::{Actor, App, AppResult};

impl App {
    pub fn fine_calculator(&self, actor: &Actor, input: &FineInput) -> AppResult<FineAssessment> {
        actor.require(Permission::ViewCases)?;
        Ok(fine::assess(input)?)
    }

    pub async fn deadline_calculator(
        &self,
        actor: &Actor,
        input: &DeadlineInput,
    ) -> AppResult<Deadlines> {
        actor.require(Permission::ViewCases)?;
        let cal = self.work_calendar(input.recorded_on).await?;
        Ok(deadlines::compute(&cal, input)?)
    }
}
