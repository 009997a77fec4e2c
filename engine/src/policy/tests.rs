//! Tests of the policy module: the grammar, the decision table, properties.

mod decision;
mod parse;
mod properties;
