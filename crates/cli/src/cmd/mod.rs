//! One module per subcommand, each with its `Args` and a `run(args)` entry point.

pub mod completions;
pub mod convert;
pub mod gen;
pub mod man;
pub mod map;
pub mod report;
pub mod validate;
