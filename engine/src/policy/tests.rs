//! Tests of the policy module: the grammar, the decision table, properties, static analysis.

mod analyze;
mod decision;
mod parse;
mod properties;
