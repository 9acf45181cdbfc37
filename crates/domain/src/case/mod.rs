//! The violation-handling case (vụ việc) as a pure state machine: states, actions, the documents
//! each action produces and their numbering.
