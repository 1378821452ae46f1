//! srv.asmx `GetUsersWorkflowRoles` answers: the workflow roles of one user.
//!
//! # The format
//!
//! ```xml
//! <response success="true">
//! <WorkflowRoles>
//! <WorkflowRole TaskDefId="101" TaskName="Review Document" FlowDefId="5" FlowName="Document Approval" StepNumber="2" SupervisorId="42" SupervisorName="John Smith" />
//! <WorkflowRole TaskDefId="205" TaskName="Final Sign-Off" FlowDefId="8" FlowName="Contract Workflow" StepNumber="1" SupervisorId="15" SupervisorName="Jane Doe" />
//! </WorkflowRoles>
//! </response>
//! ```
//!
//! The answer comes plain (`GET` and `POST` calls), or inside a SOAP 1.1 envelope:
//! `Envelope` / `Body` / `GetUsersWorkflowRolesResponse` / `GetUsersWorkflowRolesResult`
//! (any namespace prefixes). In the SOAP case the `<response>` is either nested as XML
//! elements in the `...Result` element, or — as .asmx services that return a string do —
//! entity-escaped XML text in it (`&lt;response success="true"&gt;…`), which is unescaped and
//! read as a second document. Both forms are accepted.
//!
//! # The record
//!
//! [`read_roles`] reads one answer, for one user, into one [`Record`] with the fields of
//! [`FIELDS`], always all and in that order. The answer does not repeat the user name, so the
//! caller gives it. [`Record::line`] is the line of the `<response>` start tag (for an escaped
//! response, the line of the outer file it is on).
//!
//! - `userName`: [`Value::Text`] of the name given.
//! - `roles.TaskDefId`, `roles.TaskName`, `roles.FlowDefId`, `roles.FlowName`,
//!   `roles.StepNumber`, `roles.SupervisorId`, `roles.SupervisorName`: each a [`Value::List`]
//!   with one entry per `<WorkflowRole>` (children of `<WorkflowRoles>`), in document order.
//!   Values are entity-resolved and trimmed; a missing attribute is an empty string entry, so
//!   the lists stay aligned.
//! - `flows`: a [`Value::List`] of the distinct non-empty `FlowName` values, in first-seen order.
//! - `manager` and `managerId` — **the manager rule**: the `SupervisorName` and `SupervisorId` of
//!   the role with the lowest numeric `StepNumber` (the task nearest the start of its workflow).
//!   On a tie the first such role in document order wins. Roles whose `StepNumber` is not an
//!   integer are not candidates. Both are [`Value::Null`] when no role is a candidate (no roles
//!   at all, or none with an integer step), and each is `Null` when the chosen role's attribute
//!   is missing or empty.
//!
//! An empty `<WorkflowRoles/>` (or none at all) is a user with no roles: the `userName`, `Null`
//! `manager` and `managerId`, and empty lists.
//!
//! # Error answers and malformed files
//!
//! Every problem is a [`FormatError`], fatal for the file:
//!
//! - `success="false"` is an error answer, reported with its code and message:
//!   `error="[901]Session expired or Invalid ticket"` gives `the srv.asmx answer is an error:
//!   [901] Session expired or Invalid ticket` (the space after `]` is optional in the answer).
//!   A SOAP `<Fault>` is reported with its `faultstring`.
//! - The root must be `<response>` or a SOAP `<Envelope>`; another root is named with its line.
//! - Malformed XML (a truncated tag, a mismatched end tag, an unknown entity, content after the
//!   root, an unclosed element at the end) is reported with its line and column (bytes, from 1);
//!   in an escaped response, with the line of the outer file and no column.
//! - Any `<!DOCTYPE>` is refused ("DOCTYPE declarations are not accepted (entity
//!   expansion)"), in the outer document and in an escaped one, so no entity expansion or
//!   external entity can happen; only the predefined entities and character references are
//!   resolved. Nesting deeper than 64 elements is refused. The input must be UTF-8.
//!
//! # Example
//!
//! ```
//! use nebulk_read::srv::read_roles;
//! use nebulk_read::Value;
//!
//! let xml = r#"<response success="true"><WorkflowRoles>
//!   <WorkflowRole TaskDefId="101" TaskName="Review" FlowDefId="5" FlowName="Approval" StepNumber="2" SupervisorId="42" SupervisorName="John Smith" />
//!   <WorkflowRole TaskDefId="205" TaskName="Sign-Off" FlowDefId="8" FlowName="Contract" StepNumber="1" SupervisorId="15" SupervisorName="Jane Doe" />
//! </WorkflowRoles></response>"#;
//! let record = read_roles(xml.as_bytes(), "jsmith").unwrap();
//! assert_eq!(record.line, 1);
//! assert_eq!(record.get("userName"), Some(&Value::Text("jsmith".into())));
//! // Step 1 is the lowest step: its supervisor is the manager.
//! assert_eq!(record.get("manager"), Some(&Value::Text("Jane Doe".into())));
//! assert_eq!(record.get("managerId"), Some(&Value::Text("15".into())));
//! assert_eq!(record.get("flows").unwrap().joined("|"), "Approval|Contract");
//! assert_eq!(record.get("roles.TaskDefId").unwrap().joined(","), "101,205");
//!
//! let error = r#"<response success="false" error="[901]Session expired or Invalid ticket" />"#;
//! let e = read_roles(error.as_bytes(), "jsmith").unwrap_err();
//! assert_eq!(
//!     e.to_string(),
//!     "the srv.asmx answer is an error: [901] Session expired or Invalid ticket"
//! );
//! ```

use std::collections::HashSet;
use std::io::BufRead;

use crate::xml::{local, Pos, XmlEvent, XmlStream};
use crate::{FormatError, Record, Value};

/// The fields of a roles record (one record per user), in the order of every record.
///
/// ```
/// assert_eq!(nebulk_read::srv::FIELDS[0], "userName");
/// assert_eq!(nebulk_read::srv::FIELDS.len(), 11);
/// ```
pub const FIELDS: [&str; 11] = [
    "userName",
    "manager",
    "managerId",
    "flows",
    "roles.TaskDefId",
    "roles.TaskName",
    "roles.FlowDefId",
    "roles.FlowName",
    "roles.StepNumber",
    "roles.SupervisorId",
    "roles.SupervisorName",
];

/// The attributes of a `<WorkflowRole>`, in the order of the `roles.` fields.
const ROLE_ATTRIBUTES: [&str; 7] = [
    "TaskDefId",
    "TaskName",
    "FlowDefId",
    "FlowName",
    "StepNumber",
    "SupervisorId",
    "SupervisorName",
];
const FLOW_NAME: usize = 3;
const STEP_NUMBER: usize = 4;
const SUPERVISOR_ID: usize = 5;
const SUPERVISOR_NAME: usize = 6;

/// The SOAP elements around the answer.
const SOAP_RESPONSE: &str = "GetUsersWorkflowRolesResponse";
const SOAP_RESULT: &str = "GetUsersWorkflowRolesResult";

/// Reads one answer (for one user, whose name the answer does not repeat) into one record.
///
/// See the [module documentation](self) for the record, the manager rule and the errors.
///
/// ```
/// use nebulk_read::srv::read_roles;
/// use nebulk_read::Value;
///
/// let record = read_roles(r#"<response success="true"><WorkflowRoles/></response>"#.as_bytes(), "ann").unwrap();
/// assert_eq!(record.get("manager"), Some(&Value::Null));
/// assert_eq!(record.get("roles.TaskName"), Some(&Value::List(vec![])));
///
/// let e = read_roles("<users/>".as_bytes(), "ann").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "line 1, column 1: the root element is <users>, expected <response> or a SOAP <Envelope>"
/// );
/// ```
pub fn read_roles<R: BufRead>(input: R, user_name: &str) -> Result<Record, FormatError> {
    let mut xml = XmlStream::new(input)?;
    let (root, attrs, pos) = xml.root()?;
    let record = match local(&root) {
        "response" => read_response(&mut xml, &attrs, pos, user_name)?,
        "Envelope" => read_soap(&mut xml, user_name)?,
        _ => {
            return Err(pos.error(format!(
                "the root element is <{root}>, expected <response> or a SOAP <Envelope>"
            )))
        }
    };
    xml.finish()?;
    Ok(record)
}

/// Reads the SOAP envelope whose start tag was just read, up to its end tag.
fn read_soap<R: BufRead>(xml: &mut XmlStream<R>, user_name: &str) -> Result<Record, FormatError> {
    let mut record: Option<Record> = None;
    let mut in_body = false;
    let mut in_answer = false;
    let mut fault: Option<String> = None;
    let mut in_faultstring = false;
    // Inside `...Result`: the escaped text so far and the line it starts on.
    let mut result: Option<(String, Option<u64>)> = None;
    let mut result_seen = false;
    loop {
        let (event, pos) = xml.next()?;
        match event {
            XmlEvent::Start { name, attrs } => {
                let name = local(name);
                match pos.depth {
                    2 => in_body = name == "Body",
                    3 if in_body => match name {
                        SOAP_RESPONSE => in_answer = true,
                        "Fault" => fault = Some(String::new()),
                        _ => {
                            return Err(pos.error(format!(
                                "unexpected <{name}> in the SOAP body, expected <{SOAP_RESPONSE}>"
                            )))
                        }
                    },
                    4 if fault.is_some() => in_faultstring = name == "faultstring",
                    4 if in_answer && name == SOAP_RESULT => {
                        result = Some((String::new(), None));
                        result_seen = true;
                    }
                    5 if result.is_some() => {
                        let has_text = result
                            .as_ref()
                            .is_some_and(|(text, _)| !text.trim().is_empty());
                        if name != "response" {
                            return Err(pos.error(format!(
                                "unexpected <{name}> in <{SOAP_RESULT}>, expected <response>"
                            )));
                        }
                        if record.is_some() || has_text {
                            return Err(
                                pos.error(format!("<{SOAP_RESULT}> holds more than one response"))
                            );
                        }
                        record = Some(read_response(xml, &attrs, pos, user_name)?);
                    }
                    _ => {}
                }
            }
            XmlEvent::Text(text) => {
                if pos.depth == 4 {
                    if let Some((escaped, line)) = result.as_mut() {
                        if record.is_some() && !text.trim().is_empty() {
                            return Err(
                                pos.error(format!("<{SOAP_RESULT}> holds more than one response"))
                            );
                        }
                        escaped.push_str(text);
                        line.get_or_insert(pos.line);
                    } else if let Some(fault) = fault.as_mut().filter(|_| in_faultstring) {
                        fault.push_str(text);
                    }
                }
            }
            XmlEvent::End { .. } => match pos.depth {
                1 => break,
                2 => in_body = false,
                3 => {
                    in_answer = false;
                    if let Some(fault) = fault.take() {
                        return Err(FormatError::whole(format!(
                            "the srv.asmx answer is a SOAP fault: {}",
                            fault.trim()
                        )));
                    }
                }
                4 => {
                    in_faultstring = false;
                    if let Some((escaped, line)) = result.take() {
                        if record.is_none() {
                            if escaped.trim().is_empty() {
                                return Err(pos.error(format!("<{SOAP_RESULT}> is empty")));
                            }
                            record =
                                Some(read_escaped(&escaped, line.unwrap_or(pos.line), user_name)?);
                        }
                    }
                }
                _ => {}
            },
            XmlEvent::Eof => break,
        }
    }
    match record {
        Some(record) => Ok(record),
        None if result_seen => Err(FormatError::whole(format!("<{SOAP_RESULT}> is empty"))),
        None => Err(FormatError::whole(format!(
            "the SOAP answer holds no <{SOAP_RESULT}>"
        ))),
    }
}

/// Reads a response given as escaped text, starting on line `first_line` of the outer file.
fn read_escaped(text: &str, first_line: u64, user_name: &str) -> Result<Record, FormatError> {
    let mut xml = XmlStream::embedded(text.as_bytes(), first_line)?;
    let (root, attrs, pos) = xml.root()?;
    if local(&root) != "response" {
        return Err(pos.error(format!("the root element is <{root}>, expected <response>")));
    }
    let record = read_response(&mut xml, &attrs, pos, user_name)?;
    xml.finish()?;
    Ok(record)
}

/// Reads a `<response>` whose start tag (`attrs`, at `pos`) was just read, up to its end tag.
fn read_response<R: BufRead>(
    xml: &mut XmlStream<R>,
    attrs: &[(String, String)],
    pos: Pos,
    user_name: &str,
) -> Result<Record, FormatError> {
    check_success(attrs, pos)?;
    let depth = pos.depth;
    let mut roles: Vec<[String; 7]> = Vec::new();
    let mut in_roles = false;
    loop {
        let (event, at) = xml.next()?;
        match event {
            XmlEvent::Start { name, attrs } => {
                let name = local(name);
                if at.depth == depth + 1 && name == "WorkflowRoles" {
                    in_roles = true;
                } else if in_roles && at.depth == depth + 2 && name == "WorkflowRole" {
                    roles.push(ROLE_ATTRIBUTES.map(|wanted| {
                        attribute(&attrs, wanted)
                            .map(|value| value.trim().to_string())
                            .unwrap_or_default()
                    }));
                }
            }
            XmlEvent::End { .. } => {
                if at.depth == depth + 1 {
                    in_roles = false;
                } else if at.depth == depth {
                    break;
                }
            }
            XmlEvent::Text(_) => {}
            // Not reachable: the stream reports an unclosed element instead.
            XmlEvent::Eof => return Err(at.error("unexpected end of the document in <response>")),
        }
    }
    Ok(build_record(pos.line, user_name, &roles))
}

/// The value of the attribute whose local name is `wanted`.
fn attribute<'a>(attrs: &'a [(String, String)], wanted: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(key, _)| local(key) == wanted)
        .map(|(_, value)| value.as_str())
}

/// Fails on an error answer (`success="false"`).
fn check_success(attrs: &[(String, String)], pos: Pos) -> Result<(), FormatError> {
    let error = attribute(attrs, "error");
    let failed = match attribute(attrs, "success").map(str::trim) {
        Some(value) if value.eq_ignore_ascii_case("true") || value == "1" => false,
        Some(value) if value.eq_ignore_ascii_case("false") || value == "0" => true,
        Some(value) => {
            return Err(pos.error(format!(
                "the success attribute of <response> is {value:?}, expected true or false"
            )))
        }
        None => error.is_some(),
    };
    if !failed {
        return Ok(());
    }
    Err(FormatError::whole(format!(
        "the srv.asmx answer is an error: {}",
        describe_error(error.unwrap_or_default())
    )))
}

/// `[901]Session expired` as `[901] Session expired`.
fn describe_error(error: &str) -> String {
    let error = error.trim();
    if error.is_empty() {
        return "(no error message)".to_string();
    }
    if let Some((code, message)) = error
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
    {
        let (code, message) = (code.trim(), message.trim());
        if message.is_empty() {
            return format!("[{code}]");
        }
        return format!("[{code}] {message}");
    }
    error.to_string()
}

/// The record of a user's roles.
fn build_record(line: u64, user_name: &str, roles: &[[String; 7]]) -> Record {
    let mut record = Record::new(line);
    record.push("userName", Value::Text(user_name.to_string()));

    // The manager rule: the supervisor of the lowest integer step, the first on a tie.
    let mut manager: Option<(i64, &[String; 7])> = None;
    for role in roles {
        if let Ok(step) = role[STEP_NUMBER].parse::<i64>() {
            if manager.is_none_or(|(lowest, _)| step < lowest) {
                manager = Some((step, role));
            }
        }
    }
    let text_or_null = |value: &str| {
        if value.is_empty() {
            Value::Null
        } else {
            Value::Text(value.to_string())
        }
    };
    match manager {
        Some((_, role)) => {
            record.push("manager", text_or_null(&role[SUPERVISOR_NAME]));
            record.push("managerId", text_or_null(&role[SUPERVISOR_ID]));
        }
        None => {
            record.push("manager", Value::Null);
            record.push("managerId", Value::Null);
        }
    }

    let mut seen = HashSet::new();
    let flows = roles
        .iter()
        .map(|role| &role[FLOW_NAME])
        .filter(|flow| !flow.is_empty() && seen.insert(flow.as_str()))
        .cloned()
        .collect();
    record.push("flows", Value::List(flows));

    for (index, field) in FIELDS[4..].iter().enumerate() {
        let values = roles.iter().map(|role| role[index].clone()).collect();
        record.push(*field, Value::List(values));
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SUCCESS: &[u8] = include_bytes!("../../../testdata/readers/srv/success.xml");
    const SOAP_NESTED: &[u8] = include_bytes!("../../../testdata/readers/srv/soap-nested.xml");
    const SOAP_ESCAPED: &[u8] = include_bytes!("../../../testdata/readers/srv/soap-escaped.xml");
    const SOAP_ESCAPED_DOCTYPE: &[u8] =
        include_bytes!("../../../testdata/readers/srv/soap-escaped-doctype.xml");
    const SOAP_FAULT: &[u8] = include_bytes!("../../../testdata/readers/srv/soap-fault.xml");
    const ERROR_901: &[u8] = include_bytes!("../../../testdata/readers/srv/error-901.xml");
    const ERROR_921: &[u8] = include_bytes!("../../../testdata/readers/srv/error-921.xml");
    const EMPTY_ROLES: &[u8] = include_bytes!("../../../testdata/readers/srv/empty-roles.xml");
    const TRUNCATED: &[u8] = include_bytes!("../../../testdata/readers/srv/truncated.xml");
    const WRONG_ROOT: &[u8] = include_bytes!("../../../testdata/readers/srv/wrong-root.xml");
    const LAUGHS: &[u8] = include_bytes!("../../../testdata/readers/srv/billion-laughs.xml");
    const XXE: &[u8] = include_bytes!("../../../testdata/readers/srv/external-entity.xml");

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| s.to_string()).collect())
    }

    /// A record from its values: manager, managerId, flows, then the seven role lists.
    fn record(
        line: u64,
        manager: Value,
        manager_id: Value,
        flows: &[&str],
        roles: [&[&str]; 7],
    ) -> Record {
        let mut record = Record::new(line);
        record.push("userName", text("jsmith"));
        record.push("manager", manager);
        record.push("managerId", manager_id);
        record.push("flows", list(flows));
        for (name, values) in FIELDS[4..].iter().zip(roles) {
            record.push(*name, list(values));
        }
        record
    }

    fn read(data: &[u8]) -> Result<Record, FormatError> {
        read_roles(data, "jsmith")
    }

    fn error(data: &[u8]) -> String {
        match read(data) {
            Ok(record) => panic!("expected an error, got {record:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_vendor_success_response() {
        assert_eq!(
            read(SUCCESS).unwrap(),
            record(
                1,
                text("Jane Doe"),
                text("15"),
                &["Document Approval", "Contract Workflow"],
                [
                    &["101", "205"],
                    &["Review Document", "Final Sign-Off"],
                    &["5", "8"],
                    &["Document Approval", "Contract Workflow"],
                    &["2", "1"],
                    &["42", "15"],
                    &["John Smith", "Jane Doe"],
                ]
            )
        );
    }

    #[test]
    fn soap_with_nested_elements_and_a_tie_on_the_lowest_step() {
        // Steps 2, 1, 1: the first role with step 1 gives the manager.
        assert_eq!(
            read(SOAP_NESTED).unwrap(),
            record(
                6,
                text("Jane Doe"),
                text("15"),
                &["Document Approval", "Contract Workflow"],
                [
                    &["101", "205", "102"],
                    &["Review Document", "Final Sign-Off", "Archive Document"],
                    &["5", "8", "5"],
                    &[
                        "Document Approval",
                        "Contract Workflow",
                        "Document Approval"
                    ],
                    &["2", "1", "1"],
                    &["42", "15", "77"],
                    &["John Smith", "Jane Doe", "Ada Lovelace"],
                ]
            )
        );
    }

    #[test]
    fn soap_with_escaped_text() {
        // Step "x" is not a candidate; steps 3, 3: the first wins. A missing TaskName is "".
        // `&amp;amp;` is unescaped twice, once per document.
        assert_eq!(
            read(SOAP_ESCAPED).unwrap(),
            record(
                5,
                text("Jane Doe"),
                text("15"),
                &["Document Approval", "Contract Workflow"],
                [
                    &["101", "205", "301"],
                    &["Review & Approve", "Final Sign-Off", ""],
                    &["5", "8", "8"],
                    &[
                        "Document Approval",
                        "Contract Workflow",
                        "Contract Workflow"
                    ],
                    &["x", "3", "3"],
                    &["42", "15", "16"],
                    &["John Smith", "Jane Doe", "Joe Bloggs"],
                ]
            )
        );
    }

    #[test]
    fn empty_workflow_roles_is_a_user_without_roles() {
        let none: &[&str] = &[];
        let expected = record(1, Value::Null, Value::Null, none, [none; 7]);
        assert_eq!(read(EMPTY_ROLES).unwrap(), expected);
        assert_eq!(read(br#"<response success="true"/>"#).unwrap(), expected);
        let soap = br#"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult>&lt;response success="true"&gt;&lt;WorkflowRoles/&gt;&lt;/response&gt;</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"#;
        assert_eq!(read(soap).unwrap(), expected);
    }

    #[test]
    fn the_user_name_is_the_one_given() {
        let record = read_roles(EMPTY_ROLES, "o'neil, sam").unwrap();
        assert_eq!(record.get("userName"), Some(&text("o'neil, sam")));
        assert_eq!(record.fields.len(), FIELDS.len());
        let names: Vec<&str> = record.fields.iter().map(|(n, _)| n.as_ref()).collect();
        assert_eq!(names, FIELDS);
    }

    #[test]
    fn manager_rule_edge_cases() {
        // No integer step at all: no manager, but the roles are listed.
        let xml = br#"<response success="true"><WorkflowRoles>
<WorkflowRole TaskDefId="1" StepNumber="" SupervisorId="1" SupervisorName="A" />
<WorkflowRole TaskDefId="2" StepNumber="1.5" SupervisorId="2" SupervisorName="B" />
</WorkflowRoles></response>"#;
        let r = read(xml).unwrap();
        assert_eq!(r.get("manager"), Some(&Value::Null));
        assert_eq!(r.get("managerId"), Some(&Value::Null));
        assert_eq!(r.get("roles.StepNumber"), Some(&list(&["", "1.5"])));
        assert_eq!(
            r.get("flows"),
            Some(&list(&[])),
            "missing FlowNames are not flows"
        );
        assert_eq!(r.get("roles.FlowName"), Some(&list(&["", ""])));

        // Numeric, not textual, order; negative and padded steps; an empty name is Null.
        let xml = br#"<response success="true"><WorkflowRoles>
<WorkflowRole StepNumber="10" SupervisorId="10" SupervisorName="Ten" />
<WorkflowRole StepNumber=" 9 " SupervisorId="9" SupervisorName="Nine" />
<WorkflowRole StepNumber="-1" SupervisorId="77" />
</WorkflowRoles></response>"#;
        let r = read(xml).unwrap();
        assert_eq!(r.get("manager"), Some(&Value::Null));
        assert_eq!(r.get("managerId"), Some(&text("77")));
        let xml = br#"<response success="true"><WorkflowRoles>
<WorkflowRole StepNumber="10" SupervisorId="10" SupervisorName="Ten" />
<WorkflowRole StepNumber=" 9 " SupervisorId="9" SupervisorName="Nine &amp; Co" />
</WorkflowRoles><WorkflowRole StepNumber="1" SupervisorName="outside WorkflowRoles: ignored" /></response>"#;
        let r = read(xml).unwrap();
        assert_eq!(r.get("manager"), Some(&text("Nine & Co")));
        assert_eq!(r.get("managerId"), Some(&text("9")));
        assert_eq!(r.get("roles.StepNumber"), Some(&list(&["10", "9"])));
    }

    #[test]
    fn error_answers_quote_code_and_message() {
        assert_eq!(
            read(ERROR_901).unwrap_err(),
            FormatError::whole(
                "the srv.asmx answer is an error: [901] Session expired or Invalid ticket"
            )
        );
        assert_eq!(
            read(ERROR_921).unwrap_err(),
            FormatError::whole("the srv.asmx answer is an error: [921] Insufficient rights")
        );
        assert_eq!(
            error(br#"<response success="false" error="Something broke" />"#),
            "the srv.asmx answer is an error: Something broke"
        );
        assert_eq!(
            error(br#"<response success="False" />"#),
            "the srv.asmx answer is an error: (no error message)"
        );
        assert_eq!(
            error(br#"<response error="[930]" />"#),
            "the srv.asmx answer is an error: [930]"
        );
        assert_eq!(
            error(br#"<response success="maybe"/>"#),
            r#"line 1, column 1: the success attribute of <response> is "maybe", expected true or false"#
        );
        let escaped = br#"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult>&lt;response success="false" error="[901]Session expired or Invalid ticket" /&gt;</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"#;
        assert_eq!(
            error(escaped),
            "the srv.asmx answer is an error: [901] Session expired or Invalid ticket"
        );
        assert_eq!(
            read(SOAP_FAULT).unwrap_err(),
            FormatError::whole(
                "the srv.asmx answer is a SOAP fault: Server was unable to read request. ---> There is an error in XML document (1, 1)."
            )
        );
    }

    #[test]
    fn wrong_roots_and_wrong_soap_answers() {
        assert_eq!(
            read(WRONG_ROOT).unwrap_err(),
            FormatError::at_line(
                2,
                Some(1),
                "the root element is <responses>, expected <response> or a SOAP <Envelope>"
            )
        );
        assert_eq!(
            error(b"<soap:Envelope xmlns:soap='s'>\n<soap:Body>\n  <GetUsersTaskPerformanceResponse/>\n</soap:Body></soap:Envelope>"),
            "line 3, column 3: unexpected <GetUsersTaskPerformanceResponse> in the SOAP body, expected <GetUsersWorkflowRolesResponse>"
        );
        assert_eq!(
            error(b"<Envelope><Body/></Envelope>"),
            "the SOAP answer holds no <GetUsersWorkflowRolesResult>"
        );
        assert_eq!(
            error(b"<Envelope><Body><GetUsersWorkflowRolesResponse>\n<GetUsersWorkflowRolesResult>\n</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"),
            "line 3, column 1: <GetUsersWorkflowRolesResult> is empty"
        );
        assert_eq!(
            error(b"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult>\n<answer/></GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"),
            "line 2, column 1: unexpected <answer> in <GetUsersWorkflowRolesResult>, expected <response>"
        );
        assert_eq!(
            error(b"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult><response/>\n<response/></GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"),
            "line 2, column 1: <GetUsersWorkflowRolesResult> holds more than one response"
        );
        assert_eq!(
            error(b"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult><response/>\n&lt;response/&gt;</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"),
            "line 2, column 1: <GetUsersWorkflowRolesResult> holds more than one response"
        );
        assert_eq!(
            error(b"<Envelope><Body><GetUsersWorkflowRolesResponse><GetUsersWorkflowRolesResult>\n\n&lt;responses/&gt;</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>"),
            "line 3: in the escaped response: the root element is <responses>, expected <response>"
        );
    }

    #[test]
    fn malformed_files_give_the_position() {
        assert_eq!(
            read(TRUNCATED).unwrap_err(),
            FormatError::at_line(
                3,
                Some(1),
                "malformed XML: syntax error: tag not closed: `>` not found before end of input"
            )
        );
        assert_eq!(
            error(b"<response success=\"true\">\n  <WorkflowRoles>\n  </WorkflowRole>\n</response>"),
            "line 3, column 3: malformed XML: ill-formed document: expected `</WorkflowRoles>`, but `</WorkflowRole>` was found"
        );
        assert_eq!(
            error(b"<response success=\"true\"><WorkflowRoles><WorkflowRole TaskName=\"&nbsp;\"/></WorkflowRoles></response>"),
            "line 1, column 41: malformed XML: unknown entity &nbsp; in attribute TaskName of <WorkflowRole>"
        );
        assert_eq!(
            error(b"<response success=\"true\"/>\n<!-- ok -->\n<response/>"),
            "line 3, column 1: malformed XML: a second root element <response> after the root element"
        );
        // In an escaped response: the outer line, no column.
        let escaped = b"<Envelope><Body><GetUsersWorkflowRolesResponse>\n<GetUsersWorkflowRolesResult>&lt;response success=\"true\"&gt;\n&lt;WorkflowRoles&gt;\n</GetUsersWorkflowRolesResult></GetUsersWorkflowRolesResponse></Body></Envelope>";
        assert_eq!(
            read(escaped).unwrap_err(),
            FormatError::at_line(
                4,
                None,
                "in the escaped response: unexpected end of the document: <WorkflowRoles> (line 3) is not closed"
            )
        );
    }

    #[test]
    fn doctype_is_refused_in_both_documents() {
        let expected = "line 2, column 1: DOCTYPE declarations are not accepted (entity expansion)";
        assert_eq!(error(LAUGHS), expected);
        assert_eq!(error(XXE), expected);
        assert_eq!(
            read(SOAP_ESCAPED_DOCTYPE).unwrap_err(),
            FormatError::at_line(
                6,
                None,
                "in the escaped response: DOCTYPE declarations are not accepted (entity expansion)"
            )
        );
    }

    #[test]
    fn nesting_is_limited_to_64_levels() {
        let deep = |levels: usize| {
            let mut xml = String::from(r#"<response success="true">"#);
            xml.push_str(&"<a>".repeat(levels - 1));
            xml.push_str(&"</a>".repeat(levels - 1));
            xml.push_str("</response>");
            xml
        };
        assert!(read(deep(64).as_bytes()).is_ok());
        assert_eq!(
            error(deep(10_001).as_bytes()),
            "line 1, column 215: elements are nested deeper than 64 levels"
        );
    }

    #[test]
    fn soap_crlf_lines() {
        let xml = SOAP_NESTED
            .split(|&b| b == b'\n')
            .collect::<Vec<_>>()
            .join(&b"\r\n"[..]);
        assert_eq!(read(&xml).unwrap().line, 6);
    }

    const TOKENS: &[&str] = &[
        "<response success=\"true\">",
        "<response success=\"false\" error=\"[1]x\"/>",
        "</response>",
        "<WorkflowRoles>",
        "</WorkflowRoles>",
        "<WorkflowRoles/>",
        "<WorkflowRole StepNumber=\"1\" SupervisorName=\"a\"/>",
        "<WorkflowRole StepNumber=\"z\"/>",
        "<s:Envelope>",
        "</s:Envelope>",
        "<s:Body>",
        "</s:Body>",
        "<GetUsersWorkflowRolesResponse>",
        "</GetUsersWorkflowRolesResponse>",
        "<GetUsersWorkflowRolesResult>",
        "</GetUsersWorkflowRolesResult>",
        "&lt;",
        "&gt;",
        "&amp;",
        "&foo;",
        "&#10;",
        "response",
        "WorkflowRoles",
        " ",
        "\n",
        "\"",
        "=",
        "<!DOCTYPE x>",
        "<![CDATA[<a>]]>",
        "<",
        ">",
        "/",
        "<s:Fault><faultstring>x</faultstring></s:Fault>",
    ];

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(record) = read_roles(&bytes[..], "u") {
                prop_assert_eq!(record.fields.len(), FIELDS.len());
            }
        }

        #[test]
        fn xml_like_input_never_panics(parts in proptest::collection::vec(0..TOKENS.len(), 0..64)) {
            let xml: String = parts.iter().map(|&i| TOKENS[i]).collect();
            if let Ok(record) = read_roles(xml.as_bytes(), "u") {
                prop_assert_eq!(record.fields.len(), FIELDS.len());
            }
        }
    }
}
