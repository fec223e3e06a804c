//! The target of a run and what follows from it before anything connects: the run plan (`plan.rs`).

mod plan;

pub use plan::RunPlan;
