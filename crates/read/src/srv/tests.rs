//! Tests of the srv.asmx reader, on the vendor samples and the hostile files of testdata/readers/srv.

use super::*;
use proptest::prelude::*;

const SUCCESS: &[u8] = include_bytes!("../../../../testdata/readers/srv/success.xml");
const SOAP_NESTED: &[u8] = include_bytes!("../../../../testdata/readers/srv/soap-nested.xml");
const SOAP_ESCAPED: &[u8] = include_bytes!("../../../../testdata/readers/srv/soap-escaped.xml");
const SOAP_ESCAPED_DOCTYPE: &[u8] =
    include_bytes!("../../../../testdata/readers/srv/soap-escaped-doctype.xml");
const SOAP_FAULT: &[u8] = include_bytes!("../../../../testdata/readers/srv/soap-fault.xml");
const ERROR_901: &[u8] = include_bytes!("../../../../testdata/readers/srv/error-901.xml");
const ERROR_921: &[u8] = include_bytes!("../../../../testdata/readers/srv/error-921.xml");
const EMPTY_ROLES: &[u8] = include_bytes!("../../../../testdata/readers/srv/empty-roles.xml");
const TRUNCATED: &[u8] = include_bytes!("../../../../testdata/readers/srv/truncated.xml");
const WRONG_ROOT: &[u8] = include_bytes!("../../../../testdata/readers/srv/wrong-root.xml");
const LAUGHS: &[u8] = include_bytes!("../../../../testdata/readers/srv/billion-laughs.xml");
const XXE: &[u8] = include_bytes!("../../../../testdata/readers/srv/external-entity.xml");

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
