//! The options a run was given, as report.json records them (`options`): each option set on the
//! command line, by its long name, with its values as given. The input, the outputs' places
//! and how the summary is shown (and coloured) are left out: two runs of the same input with the same options
//! write the same report, wherever they read from and write to.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde_json::Value;

/// The options of this run, recorded once, at the start.
static OPTIONS: OnceLock<BTreeMap<String, Value>> = OnceLock::new();

/// Arguments that say where things go or how they are shown, not what the run does.
const LEFT_OUT: [&str; 8] = [
    "inputs", "input", "out", "report", "html", "summary", "quiet", "color",
];

/// Records the options of the subcommand in `matches`.
pub fn record(matches: &ArgMatches) {
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    let _ = OPTIONS.set(options_given(sub));
}

/// The options recorded (none when nothing was).
pub fn options() -> &'static BTreeMap<String, Value> {
    static NONE: BTreeMap<String, Value> = BTreeMap::new();
    OPTIONS.get().unwrap_or(&NONE)
}

/// Each option set on the command line in `matches`: a flag as `true`, an option as its value,
/// a repeated option as the list of its values.
fn options_given(matches: &ArgMatches) -> BTreeMap<String, Value> {
    let mut options = BTreeMap::new();
    for id in matches.ids() {
        let id = id.as_str();
        // clap names the group of a flattened struct of options after the struct (SourceArgs):
        // a group, not an option.
        let group = id.starts_with(|c: char| c.is_ascii_uppercase());
        if group
            || LEFT_OUT.contains(&id)
            || matches.value_source(id) != Some(ValueSource::CommandLine)
        {
            continue;
        }
        let Ok(Some(raw)) = matches.try_get_raw(id) else {
            continue;
        };
        let values: Vec<String> = raw.map(|v| v.to_string_lossy().into_owned()).collect();
        let value = match values.as_slice() {
            [one] if one == "true" => Value::Bool(true),
            [one] => Value::String(one.clone()),
            many => Value::Array(many.iter().cloned().map(Value::String).collect()),
        };
        options.insert(id.replace('_', "-"), value);
    }
    options
}

#[cfg(test)]
mod tests {
    use clap::{Arg, ArgAction, Command};

    use super::*;

    #[test]
    fn options_given_are_kept_by_long_name_and_the_rest_left_out() {
        let command = Command::new("t")
            .arg(Arg::new("inputs").num_args(1..))
            .group(
                clap::ArgGroup::new("SourceArgs")
                    .arg("inputs")
                    .multiple(true),
            )
            .arg(Arg::new("max_accounts").long("max-accounts"))
            .arg(Arg::new("strict").long("strict").action(ArgAction::SetTrue))
            .arg(
                Arg::new("existing")
                    .long("existing")
                    .action(ArgAction::Append),
            )
            .arg(Arg::new("fill").long("fill").default_value("in-order"))
            .arg(Arg::new("out").long("out"));
        let matches = command.get_matches_from([
            "t",
            "a.csv",
            "--max-accounts",
            "5",
            "--strict",
            "--existing",
            "x.csv",
            "--existing",
            "y.csv",
            "--out",
            "o",
        ]);
        let options = options_given(&matches);
        assert_eq!(options["max-accounts"], "5");
        assert_eq!(options["strict"], true);
        assert_eq!(options["existing"], serde_json::json!(["x.csv", "y.csv"]));
        assert!(!options.contains_key("fill"), "a default is not given");
        assert!(!options.contains_key("out") && !options.contains_key("inputs"));
        assert!(!options.contains_key("SourceArgs"), "a group is no option");
    }
}
