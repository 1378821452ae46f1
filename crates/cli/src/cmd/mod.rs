//! One module per subcommand, each with its `Args` and a `run(args)` entry point.

pub mod convert;
pub mod gen;
pub mod map;
pub mod validate;
