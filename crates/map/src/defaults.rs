//! The built-in mapping of each source kind, as TOML text: `nebulk map` prints it as a starting
//! point for a mapping file of one's own.

const XTRACTA_USERS: &str = r#"# Xtracta Get User answers: one account per <user>.
# The account name is the local part of the email address, in lower case.
[accountName]
field = "email_address"
transforms = ["email-local", "lower"]

# `name` is split at its last space ("John Doe") or at its comma ("Doe, John").
[firstName]
field = "name"
transforms = ["first-name"]

[lastName]
field = "name"
transforms = ["last-name"]

[email]
field = "email_address"

# The workflows the user is assigned to, into a custom attribute `workflows` if the schema has one.
[workflows]
field = "assigned_workflows"
transforms = [{ join = "," }]

# phone, manager, startDate and endDate are not in an Xtracta answer: give them with --set
# (e.g. --set manager=jane.doe) or in a mapping file of your own.
"#;

const SRV_WORKFLOW_ROLES: &str = r#"# srv.asmx GetUsersWorkflowRoles answers: one account per answer (per user).
# The user name comes from the manifest (userName,file) or the answer's file name; other
# manifest columns (firstName, email, ...) are fields too and fill attributes of the same name.
[accountName]
field = "userName"

# The manager is the supervisor of the user's lowest workflow step (SupervisorName). To turn
# display names into account ids, add a lookup:
#   transforms = [{ lookup = { file = "supervisors.csv", key = "name", value = "accountName" } }]
[manager]
field = "manager"

# The names of the flows the user has roles in, into a custom attribute `workflows`.
[workflows]
field = "flows"
transforms = [{ join = "; " }]
"#;

const NERM_USERS: &str = r#"# SailPoint NERM users pages: one account per user (filter with --status Active).
[accountName]
field = "login"

[firstName]
field = "name"
transforms = ["first-name"]

[lastName]
field = "name"
transforms = ["last-name"]

[email]
field = "email"
"#;

const NERM_WORKFLOW_SESSIONS: &str = r#"# SailPoint NERM workflow sessions: one account per session (filter with --status completed).
# Every key of a session's `attributes` is a field `attributes.<key>`; an attribute of the
# schema takes the field of the same name (attributes.first_name fills firstName,
# attributes.start_date fills startDate, ...). Add rules here for the others, e.g.:
# [accountName]
# field = "attributes.email"
# transforms = ["email-local", "lower"]
"#;

/// The built-in mapping of a source kind (`xtracta-users`, `srv-workflow-roles`, `nerm-users`,
/// `nerm-workflow-sessions`), as TOML. CSV and spreadsheets have none: their columns are
/// matched by name.
///
/// ```
/// assert!(nebulk_map::default_mapping("nerm-users").unwrap().contains("[accountName]"));
/// assert!(nebulk_map::default_mapping("csv").is_none());
/// ```
pub fn default_mapping(kind: &str) -> Option<&'static str> {
    match kind {
        "xtracta-users" => Some(XTRACTA_USERS),
        "srv-workflow-roles" => Some(SRV_WORKFLOW_ROLES),
        "nerm-users" => Some(NERM_USERS),
        "nerm-workflow-sessions" => Some(NERM_WORKFLOW_SESSIONS),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Mapping;

    #[test]
    fn every_default_parses() {
        for kind in [
            "xtracta-users",
            "srv-workflow-roles",
            "nerm-users",
            "nerm-workflow-sessions",
        ] {
            let text = default_mapping(kind).unwrap();
            assert!(
                Mapping::parse(text, std::path::Path::new(".")).is_ok(),
                "{kind}"
            );
        }
    }
}
