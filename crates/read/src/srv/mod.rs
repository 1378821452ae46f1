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
//! [`RoleReader`] reads one answer, for one user, into one [`Record`] with the fields of
//! [`FIELDS`], always all and in that order. The answer does not repeat the user name, so the
//! caller gives it ([`FileContext::user_name`]). [`Record::line`] is the line of the `<response>` start tag (for an escaped
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
//! use nebulk_read::srv::RoleReader;
//! use nebulk_read::{FileContext, RecordReader, Value};
//!
//! let xml = r#"<response success="true"><WorkflowRoles>
//!   <WorkflowRole TaskDefId="101" TaskName="Review" FlowDefId="5" FlowName="Approval" StepNumber="2" SupervisorId="42" SupervisorName="John Smith" />
//!   <WorkflowRole TaskDefId="205" TaskName="Sign-Off" FlowDefId="8" FlowName="Contract" StepNumber="1" SupervisorId="15" SupervisorName="Jane Doe" />
//! </WorkflowRoles></response>"#;
//! let records = RoleReader.read_all(xml.as_bytes(), &FileContext::for_user("jsmith")).unwrap();
//! let record = &records[0];
//! assert_eq!(record.line, 1);
//! assert_eq!(record.get("userName"), Some(&Value::Text("jsmith".into())));
//! // Step 1 is the lowest step: its supervisor is the manager.
//! assert_eq!(record.get("manager"), Some(&Value::Text("Jane Doe".into())));
//! assert_eq!(record.get("managerId"), Some(&Value::Text("15".into())));
//! assert_eq!(record.get("flows").unwrap().joined("|"), "Approval|Contract");
//! assert_eq!(record.get("roles.TaskDefId").unwrap().joined(","), "101,205");
//!
//! let error = r#"<response success="false" error="[901]Session expired or Invalid ticket" />"#;
//! let e = RoleReader.read_all(error.as_bytes(), &FileContext::for_user("jsmith")).unwrap_err();
//! assert_eq!(
//!     e.to_string(),
//!     "the srv.asmx answer is an error: [901] Session expired or Invalid ticket"
//! );
//! ```

use std::collections::HashSet;
use std::io::BufRead;

use crate::xml::{local, Pos, XmlEvent, XmlStream};
use crate::{FileContext, FormatError, Record, RecordReader, RecordSink, Value};

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

/// The reader of srv.asmx `GetUsersWorkflowRoles` answers: one answer, for the user of
/// [`FileContext::user_name`] (the answer does not name its user), is one record, handed on
/// once the whole answer has been read and checked.
///
/// See the [module documentation](self) for the record, the manager rule and the errors.
///
/// ```
/// use nebulk_read::srv::RoleReader;
/// use nebulk_read::{FileContext, RecordReader, Value};
///
/// let answer = r#"<response success="true"><WorkflowRoles/></response>"#;
/// let records = RoleReader.read_all(answer.as_bytes(), &FileContext::for_user("ann")).unwrap();
/// assert_eq!(records[0].get("manager"), Some(&Value::Null));
/// assert_eq!(records[0].get("roles.TaskName"), Some(&Value::List(vec![])));
///
/// let e = RoleReader.read_all("<users/>".as_bytes(), &FileContext::for_user("ann")).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "line 1, column 1: the root element is <users>, expected <response> or a SOAP <Envelope>"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RoleReader;

impl RecordReader for RoleReader {
    fn read<B: BufRead, S: RecordSink>(
        &self,
        input: B,
        file: &FileContext<'_>,
        sink: &mut S,
    ) -> Result<u64, FormatError> {
        let record = read_roles(input, file.user_name)?;
        sink.emit(record);
        Ok(1)
    }
}

/// Reads one answer (for one user, whose name the answer does not repeat) into one record.
fn read_roles<R: BufRead>(input: R, user_name: &str) -> Result<Record, FormatError> {
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
mod tests;
