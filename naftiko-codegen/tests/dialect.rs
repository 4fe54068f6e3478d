//! One test per rule of the dialect (the crate docs of `naftiko_codegen`, in
//! `naftiko-codegen/src/lib.rs`, are its single statement): how each published construct is
//! read, and which mistakes are errors.

use naftiko_codegen::diag::{Diagnostic, Severity};
use naftiko_codegen::ir::{
    Arg, Auth, Body, In, JsonArg, Part, Path, Segment, ShapeKind, Source, Transport, Type,
};

mod common;
use common::{errors, find, has, line_of, ok};

/// A spec with one consumed API `api` (bearer auth from `env.TOKEN`), the given resources,
/// and the given `exposes` entries.
fn spec(resources: &str, exposes: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Test
  description: A test capability.
binds:
- namespace: env
  keys:
    TOKEN: API_TOKEN
capability:
  consumes:
  - type: http
    namespace: api
    baseUri: https://api.example.com
    authentication:
      type: bearer
      token: '{{{{env.TOKEN}}}}'
    resources:
{resources}
  exposes:
{exposes}"
    )
}

const ITEM: &str = "    - name: items
      path: /orgs/{orgId}/items
      operations:
      - name: list
        method: GET
        inputParameters:
        - name: orgId
          in: path
          type: string
          required: true
        - name: pageSize
          in: query
          type: integer
        - name: X-Trace
          in: header
          type: string
      - name: create
        method: POST
        inputParameters:
        - name: orgId
          in: path
          type: string
          required: true
        - name: body
          in: body
          type: object
          required: true";

fn rest(ops: &str) -> String {
    format!(
        "  - type: rest
    namespace: api-rest
    port: 8080
    resources:
{ops}"
    )
}

fn mcp(tools: &str) -> String {
    format!(
        "  - type: mcp
    namespace: api-mcp
    port: 9090
    tools:
{tools}"
    )
}

const LIST_ROUTE: &str = "    - path: /v1/orgs/{orgid}/items
      operations:
      - method: GET
        name: list
        call: api.list
        with:
          orgId: rest.orgId
          pageSize: rest.pageSize";

#[test]
fn versions_alpha2_and_alpha3_are_read_and_others_rejected() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    ok(&s);
    ok(&s.replace("1.0.0-alpha2", "1.0.0-alpha3"));
    let d = errors(&s.replace("1.0.0-alpha2", "1.0.0-beta1"));
    assert!(has(&d, "unsupported naftiko version `1.0.0-beta1`"));
    assert_eq!(d[0].span.start.line, 1);
}

#[test]
fn an_alpha_document_declared_ikanos_is_told_each_alpha_shape_it_keeps() {
    let s = spec(ITEM, &rest(LIST_ROUTE)).replace("naftiko: 1.0.0-alpha2", "ikanos: 1.0.0-beta5");
    assert!(s.starts_with("ikanos: 1.0.0-beta5"), "{s}");
    let d = errors(&s);
    assert!(
        d.iter()
            .any(|d| d.message.contains("the naftiko alpha shape")),
        "{d:#?}"
    );
    for d in &d {
        assert!(d.message.contains("naftiko alpha"), "{d:#?}");
    }
}

#[test]
fn info_label_or_title_names_the_capability() {
    assert_eq!(ok(&spec(ITEM, &rest(LIST_ROUTE))).title, "Test");
    assert_eq!(
        ok(&spec(ITEM, &rest(LIST_ROUTE)).replace("label: Test", "title: Titled")).title,
        "Titled"
    );
}

#[test]
fn binds_name_environment_variables_in_templates() {
    let c = ok(&spec(ITEM, &rest(LIST_ROUTE)));
    assert_eq!(
        c.apis[0].auth,
        Auth::Bearer(naftiko_codegen::ir::Template(vec![Part::Env(
            "API_TOKEN".into()
        )]))
    );
    // `{{TOKEN}}` without the namespace also resolves.
    let c = ok(&spec(ITEM, &rest(LIST_ROUTE)).replace("{{env.TOKEN}}", "{{TOKEN}}"));
    assert!(matches!(&c.apis[0].auth, Auth::Bearer(t) if t.env_vars().eq(["API_TOKEN"])));
}

#[test]
fn an_unresolvable_template_is_an_error() {
    let src = spec(ITEM, &rest(LIST_ROUTE)).replace("{{env.TOKEN}}", "{{env.TOKEN2}}");
    let d = errors(&src);
    assert!(
        has(
            &d,
            "template `{{env.TOKEN2}}` in authentication names no bind or parameter"
        ),
        "{d:?}"
    );
}

#[test]
fn path_placeholders_take_single_or_double_braces() {
    for path in ["/orgs/{orgId}/items", "/orgs/{{orgId}}/items"] {
        let c = ok(&spec(
            &ITEM.replacen("/orgs/{orgId}/items", path, 1),
            &rest(LIST_ROUTE),
        ));
        let op = &c.apis[0].operations[0];
        assert_eq!(
            op.segments,
            vec![
                Segment::Lit("/orgs/".into()),
                Segment::Param(0),
                Segment::Lit("/items".into())
            ]
        );
    }
}

#[test]
fn an_undeclared_placeholder_is_an_implicit_required_string_parameter() {
    let res = "    - name: things
      path: /things/{thingId}
      operations:
      - name: get
        method: GET";
    let route = "    - path: /v1/things/{thingId}
      operations:
      - method: GET
        call: api.get";
    let c = ok(&spec(res, &rest(route)));
    let p = &c.apis[0].operations[0].params[0];
    assert_eq!(
        (p.name.as_str(), p.location, p.ty, p.required),
        ("thingId", In::Path, Type::String, true)
    );
    // Fed by the same-named path variable of the exposed route.
    assert_eq!(c.rest[0].routes[0].call.args(), vec![Arg::Input(0)]);
}

#[test]
fn a_placeholder_nothing_can_feed_is_an_error() {
    let res = "    - name: things
      path: /things/{thingId}
      operations:
      - name: get
        method: GET";
    let route = "    - path: /v1/things
      operations:
      - method: GET
        call: api.get";
    let d = errors(&spec(res, &rest(route)));
    assert!(
        has(
            &d,
            "required parameter `thingId` (path) of `api.get` is fed by nothing"
        ),
        "{d:?}"
    );
}

#[test]
fn a_declared_path_parameter_without_placeholder_is_an_error() {
    let d = errors(&spec(
        &ITEM.replacen("/orgs/{orgId}/items", "/items", 1),
        &rest(LIST_ROUTE),
    ));
    assert!(
        has(
            &d,
            "path parameter `orgId` has no `{orgId}` placeholder in path `/items`"
        ),
        "{d:?}"
    );
}

#[test]
fn one_body_parameter_is_the_whole_body_and_several_are_fields() {
    let c = ok(&spec(ITEM, &rest(LIST_ROUTE)));
    assert_eq!(c.apis[0].operations[1].body, Body::Whole(1));
    let fields = "    - name: notes
      path: /notes
      operations:
      - name: add
        method: POST
        inputParameters:
        - name: title
          in: body
          type: string
          required: true
        - name: pinned
          in: body
          type: boolean";
    let route = "    - path: /v1/notes
      operations:
      - method: POST
        call: api.add
        with:
          title: rest.title
          pinned: rest.pinned";
    let c = ok(&spec(fields, &rest(route)));
    assert_eq!(c.apis[0].operations[0].body, Body::Fields(vec![0, 1]));
    let inputs = &c.rest[0].routes[0].call.inputs;
    assert_eq!(
        inputs
            .iter()
            .map(|i| (i.name.as_str(), i.source, i.ty, i.required))
            .collect::<Vec<_>>(),
        vec![
            ("title", Source::Field, Type::String, true),
            ("pinned", Source::Field, Type::Boolean, false)
        ]
    );
}

#[test]
fn names_that_are_not_rust_identifiers_still_get_distinct_readable_identifiers() {
    let res = "    - name: search
      path: /search
      operations:
      - name: find
        method: GET
        inputParameters:
        - name: type
          in: query
          type: string
        - name: $filter
          in: query
          type: string
        - name: filter[x]
          in: query
          type: string
        - name: maxResults
          in: query
          type: integer
        - name: MaxResults
          in: query
          type: integer";
    let c = ok(&spec(
        res,
        &mcp("    - name: find\n      description: Find.\n      call: api.find"),
    ));
    let idents: Vec<&str> = c.apis[0].operations[0]
        .params
        .iter()
        .map(|p| p.ident.as_str())
        .collect();
    assert_eq!(
        idents,
        [
            "type_",
            "filter",
            "filter_x",
            "max_results",
            "max_results_2"
        ]
    );
}

#[test]
fn with_references_take_every_published_form() {
    for form in [
        "rest.pageSize",
        "api-rest.pageSize",
        "{{pageSize}}",
        "{{rest.pageSize}}",
    ] {
        let c = ok(&spec(
            ITEM,
            &rest(&LIST_ROUTE.replace("pageSize: rest.pageSize", &format!("pageSize: '{form}'"))),
        ));
        let call = &c.rest[0].routes[0].call;
        assert_eq!(call.args()[1], Arg::Input(1), "{form}");
        assert_eq!(call.inputs[1].name, "pageSize", "{form}");
    }
}

#[test]
fn other_with_values_are_constants_of_the_parameter_type() {
    let c = ok(&spec(
        ITEM,
        &rest(&LIST_ROUTE.replace("pageSize: rest.pageSize", "pageSize: 25")),
    ));
    assert_eq!(
        c.rest[0].routes[0].call.args()[1],
        Arg::Const(serde_json::json!(25))
    );
    let d = errors(&spec(
        ITEM,
        &rest(&LIST_ROUTE.replace("pageSize: rest.pageSize", "pageSize: many")),
    ));
    assert!(
        has(
            &d,
            "the constant `\"many\"` given to `pageSize` is not an integer"
        ),
        "{d:?}"
    );
}

#[test]
fn rest_path_variables_match_with_references_case_insensitively() {
    let c = ok(&spec(ITEM, &rest(LIST_ROUTE)));
    let route = &c.rest[0].routes[0];
    assert_eq!(route.path, "/v1/orgs/{orgid}/items");
    let i = &route.call.inputs[0];
    assert_eq!(
        (i.name.as_str(), i.source, i.required),
        ("orgid", Source::Path, true)
    );
}

#[test]
fn inferred_inputs_take_type_description_and_location_from_what_they_feed() {
    let route = "    - path: /v1/orgs/{orgid}/items
      operations:
      - method: GET
        call: api.list
        with:
          orgId: rest.orgId
          pageSize: rest.pageSize
          X-Trace: rest.trace
      - method: POST
        call: api.create
        with:
          orgId: rest.orgId
          body: rest.body";
    let c = ok(&spec(ITEM, &rest(route)));
    let list = &c.rest[0].routes[0].call.inputs;
    assert_eq!(
        (list[1].source, list[1].ty, list[1].required),
        (Source::Query, Type::Integer, false)
    );
    assert_eq!(
        (list[2].name.as_str(), list[2].source),
        ("trace", Source::Header)
    );
    let create = &c.rest[0].routes[1].call.inputs;
    assert_eq!(
        (create[1].source, create[1].ty, create[1].required),
        (Source::Body, Type::Object, true)
    );
}

#[test]
fn mcp_references_are_typed_tool_arguments() {
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      with:
        orgId: tools.orgId
        pageSize: tools.pageSize";
    let c = ok(&spec(ITEM, &mcp(tool)));
    let inputs = &c.mcp[0].tools[0].call.inputs;
    assert_eq!(
        inputs
            .iter()
            .map(|i| (i.name.as_str(), i.source, i.ty, i.required))
            .collect::<Vec<_>>(),
        vec![
            ("orgId", Source::Field, Type::String, true),
            ("pageSize", Source::Field, Type::Integer, false)
        ]
    );
}

#[test]
fn a_required_parameter_nothing_feeds_passes_through_from_a_same_named_input() {
    let tool = "    - name: list-items
      description: List items.
      call: api.list";
    let c = ok(&spec(ITEM, &mcp(tool)));
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(call.inputs.len(), 1);
    assert_eq!(call.inputs[0].name, "orgId");
    assert_eq!(call.args(), vec![Arg::Input(0), Arg::Absent, Arg::Absent]);
}

#[test]
fn with_declared_inputs_a_reference_to_nothing_is_an_error() {
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: string
        description: The org.
        required: true
      with:
        orgId: tools.orgID";
    let d = errors(&spec(ITEM, &mcp(tool)));
    assert!(
        has(&d, "`with` refers to an input `orgID` that does not exist"),
        "{d:?}"
    );
}

#[test]
fn mappings_are_identity_or_checked_jsonpath() {
    let c = ok(&spec(
        ITEM,
        &rest(&format!(
            "{LIST_ROUTE}\n        outputParameters:\n        - type: object\n          mapping: $."
        )),
    ));
    assert_eq!(c.rest[0].routes[0].call.output.kind, ShapeKind::Whole);
    let c = ok(&spec(
        ITEM,
        &rest(&format!(
            "{LIST_ROUTE}\n        outputParameters:\n        - type: array\n          mapping: $.data[*].id"
        )),
    ));
    assert_eq!(
        c.rest[0].routes[0].call.output.kind,
        ShapeKind::Array {
            from: Some(Path {
                text: "$.data[*].id".into(),
                singular: false
            }),
            items: None
        }
    );
    let d = errors(&spec(
        ITEM,
        &rest(&format!(
            "{LIST_ROUTE}\n        outputParameters:\n        - type: array\n          mapping: $.data[?"
        )),
    ));
    assert!(has(&d, "bad JSONPath `$.data[?`"), "{d:?}");
}

#[test]
fn auth_types_bearer_basic_and_both_apikey_spellings() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    let basic = s.replace(
        "type: bearer\n      token: '{{env.TOKEN}}'",
        "type: basic\n      username: user\n      password: '{{env.TOKEN}}'",
    );
    assert!(matches!(ok(&basic).apis[0].auth, Auth::Basic { .. }));
    let key = s.replace(
        "type: bearer\n      token: '{{env.TOKEN}}'",
        "type: apikey\n      key: X-Api-Key\n      value: '{{env.TOKEN}}'\n      placement: header",
    );
    assert!(
        matches!(&ok(&key).apis[0].auth, Auth::ApiKey { name, placement: naftiko_codegen::ir::KeyPlacement::Header, .. } if name == "X-Api-Key")
    );
    let key = s.replace(
        "type: bearer\n      token: '{{env.TOKEN}}'",
        "type: apikey\n      name: api_key\n      value: '{{env.TOKEN}}'\n      in: query",
    );
    assert!(
        matches!(&ok(&key).apis[0].auth, Auth::ApiKey { name, placement: naftiko_codegen::ir::KeyPlacement::Query, .. } if name == "api_key")
    );
}

#[test]
fn other_auth_types_are_rejected_by_name_and_line() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    // Every type the corpus uses is read (tests/auth_dialect.rs); `digest` with a bearer's
    // `token` is a located mistake, not an ignored key.
    let d = errors(&s.replace("type: bearer", "type: digest"));
    assert!(has(&d, "missing required key `username`"), "{d:?}");
    let src = s.replace("type: bearer", "type: magic");
    let d = errors(&src);
    assert!(d[0].message.contains("unknown authentication type `magic`"));
    assert_eq!(
        (d[0].span.start.line, d[0].span.start.col),
        (line_of(&src, "type: magic"), 13)
    );
}

#[test]
fn adapters_bind_to_localhost_unless_an_address_is_given() {
    let s = spec(
        ITEM,
        &format!(
            "{}\n{}",
            rest(LIST_ROUTE),
            mcp("    - name: t\n      description: T.\n      call: api.list")
        ),
    );
    let c = ok(&s);
    assert_eq!(
        (c.rest[0].address.as_str(), c.rest[0].port),
        ("127.0.0.1", 8080)
    );
    assert_eq!(
        (c.mcp[0].address.as_str(), c.mcp[0].port, c.mcp[0].transport),
        ("127.0.0.1", Some(9090), Transport::Http)
    );
    let c = ok(&s.replace("    port: 8080", "    port: 8080\n    address: 0.0.0.0"));
    assert_eq!(c.rest[0].address, "0.0.0.0");
}

#[test]
fn tool_label_and_hints_become_title_and_annotations() {
    let tool = "    - name: list-items
      label: List items
      description: List items.
      hints:
        readOnly: true
        destructive: false
        idempotent: true
      call: api.list";
    let c = ok(&spec(ITEM, &mcp(tool)));
    let t = &c.mcp[0].tools[0];
    assert_eq!(t.title.as_deref(), Some("List items"));
    assert_eq!(
        (t.read_only, t.destructive, t.idempotent, t.open_world),
        (Some(true), Some(false), Some(true), true)
    );
}

#[test]
fn unimplemented_constructs_say_not_supported_yet_with_their_line() {
    let tool = "    - name: list-items
      description: List items.
      steps:
      - type: script
        name: s1
        language: python
        location: file:///opt/scripts
        file: s1.py";
    let src = spec(ITEM, &mcp(tool));
    let d = errors(&src);
    let step = d
        .iter()
        .find(|d| d.message.contains("`language: python` in a script step"))
        .expect("python script step reported");
    assert_eq!(step.severity, Severity::Unsupported);
    assert!(step.message.ends_with("is not supported yet"));
    assert_eq!(
        (step.span.start.line, step.span.start.col),
        (line_of(&src, "language: python"), 19)
    );
    let http = spec(ITEM, "  - type: http\n    namespace: s\n    port: 1");
    assert!(has(&errors(&http), "`http` exposes is not supported yet"));
}

#[test]
fn defects_are_precise_errors_and_all_are_reported_at_once() {
    let tools = "    - name: a
      description: A.
      call: api.nope
    - name: a
      description: A again.
      call: nowhere.list";
    let d = errors(&spec(ITEM, &mcp(tools)));
    assert!(has(
        &d,
        "`call` to an operation that does not exist: `nope` in `api`"
    ));
    assert!(has(&d, "duplicate tool `a` in `api-mcp`"));
    let s = spec(
        ITEM,
        &format!(
            "{}\n{}",
            rest(LIST_ROUTE),
            mcp("    - name: t\n      description: T.\n      call: nowhere.list")
                .replace("9090", "8080")
        ),
    );
    let d = errors(&s);
    assert!(has(&d, "unknown namespace `nowhere`"));
    assert!(has(&d, "two adapters on one port"));
}

#[test]
fn unknown_keys_are_errors_with_the_expected_ones_listed() {
    let d = errors(&spec(ITEM, &rest(LIST_ROUTE)).replace(
        "        method: GET\n        inputParameters:",
        "        method: GET\n        retries: 3\n        inputParameters:",
    ));
    assert!(
        d[0].message
            .contains("unknown key `retries` in a consumed operation")
    );
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("expected one of:")
    );
}

#[test]
fn a_base_uri_may_read_a_bind_but_not_an_unbound_placeholder() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    let c = ok(&s.replace(
        "baseUri: https://api.example.com",
        "baseUri: '{{env.TOKEN}}/api'",
    ));
    assert_eq!(
        c.apis[0].base_uri.0,
        vec![Part::Env("API_TOKEN".into()), Part::Lit("/api".into())]
    );
    let d = errors(&s.replace(
        "baseUri: https://api.example.com",
        "baseUri: https://{region}.example.com",
    ));
    assert!(
        has(
            &d,
            "`baseUri` has a placeholder `{region}` that nothing gives a value"
        ),
        "{d:?}"
    );
    let d = errors(&s.replace(
        "baseUri: https://api.example.com",
        "baseUri: ftp://example.com",
    ));
    assert!(
        has(&d, "`baseUri` must be an absolute http(s) URL"),
        "{d:?}"
    );
}

#[test]
fn a_body_template_builds_the_json_body_from_its_variables() {
    let res = "    - name: entities
      path: /entities/lookup
      operations:
      - name: lookup
        method: POST
        body:
          type: json
          data:
            name: '{{tools.name}}'
            selector: 'type(\"{{tools.type}}\")'
            limit: 10";
    let tool = "    - name: lookup
      description: Look up.
      call: api.lookup
      with:
        name: tools.displayName";
    let c = ok(&spec(res, &mcp(tool)));
    let op = &c.apis[0].operations[0];
    assert_eq!(
        op.params
            .iter()
            .map(|p| (p.name.as_str(), p.location, p.required))
            .collect::<Vec<_>>(),
        vec![("name", In::Body, false), ("type", In::Body, false)]
    );
    let Body::Template(naftiko_codegen::ir::JsonTemplate::Object(entries)) = &op.body else {
        panic!("{:?}", op.body)
    };
    assert_eq!(
        entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["name", "selector", "limit"]
    );
    // `with` renames the input feeding `name`; `type` is fed by the input its template names.
    let inputs: Vec<&str> = c.mcp[0].tools[0]
        .call
        .inputs
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(inputs, ["displayName", "type"]);
    // A declared body parameter an object template does not name is an extra field of it
    // (left out when absent), with a warning saying so; nothing declared is dropped.
    let unused = res.replace("        body:", "        inputParameters:\n        - name: extra\n          in: body\n          type: string\n        body:");
    let src = spec(&unused, &mcp(tool));
    let c = ok(&src);
    let warnings = warnings(&src);
    let Body::Template(naftiko_codegen::ir::JsonTemplate::Object(entries)) =
        &c.apis[0].operations[0].body
    else {
        panic!("an object template")
    };
    assert_eq!(
        entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["name", "selector", "limit", "extra"]
    );
    assert!(
        has(
            &warnings,
            "body parameter `extra` is not in the `body` template: it is sent as its field `extra`"
        ),
        "{warnings:?}"
    );
    // A text template cannot take it: an error.
    let head = unused.split("        body:").next().unwrap_or_default();
    let text = format!(
        "{head}        body:\n          type: text\n          data: 'name={{{{tools.name}}}}'"
    );
    assert_ne!(text, unused, "the text variant was built");
    assert!(has(
        &errors(&spec(&text, &mcp(tool))),
        "body parameter `extra` is not used by the operation's `body` template"
    ));
}

#[test]
fn exposed_paths_are_checked_for_what_the_router_accepts() {
    let route = |path: &str| {
        format!(
            "    - path: {path}\n      operations:\n      - method: GET\n        call: api.list\n        with:\n          orgId: rest.orgId"
        )
    };
    let d = errors(&spec(ITEM, &rest(&route("/healthz"))));
    assert!(has(&d, "path `/healthz` is reserved"), "{d:?}");
    let d = errors(&spec(ITEM, &rest(&route("/v1/:orgId/items"))));
    assert!(has(&d, "path segment `:orgId` starts with `:`"), "{d:?}");
    let d = errors(&spec(ITEM, &rest(&route("/v1/{orgId}.json"))));
    assert!(
        has(
            &d,
            "a path variable inside a segment (`{orgId}.json`) is not supported yet"
        ),
        "{d:?}"
    );
}

#[test]
fn routes_differing_only_in_variable_names_share_one_router_path() {
    let routes = "    - path: /v1/orgs/{orgid}/items
      operations:
      - method: GET
        call: api.list
        with:
          orgId: rest.orgId
    - path: /v1/orgs/{org}/items
      operations:
      - method: POST
        call: api.create
        with:
          orgId: rest.org
          body: rest.body";
    let c = ok(&spec(ITEM, &rest(routes)));
    let r = &c.rest[0].routes;
    assert_eq!(
        (r[0].path.as_str(), r[1].path.as_str()),
        ("/v1/orgs/{orgid}/items", "/v1/orgs/{orgid}/items")
    );
    assert_eq!(r[1].call.inputs[0].name, "orgid");
}

#[test]
fn a_reference_error_points_at_the_reference_and_suggests_the_nearest_name() {
    let help = |d: &Diagnostic| d.help.clone().unwrap_or_default();
    // A REST reference that misses the path variable: at the `with` value, whole token.
    let src = spec(
        ITEM,
        &rest(&LIST_ROUTE.replace("rest.orgId", "rest.orgIdd")),
    );
    let d = errors(&src);
    assert_eq!(d.len(), 1, "{d:?}");
    let line = line_of(&src, "orgId: rest.orgIdd");
    assert_eq!((d[0].span.start.line, d[0].span.start.col), (line, 18));
    assert_eq!(d[0].span.end.col - d[0].span.start.col, "rest.orgIdd".len());
    assert!(
        help(&d[0]).starts_with("did you mean `rest.orgId`?"),
        "{d:?}"
    );

    // A `call` to a near namespace, a bind template, a `with` key that names no parameter.
    let route = LIST_ROUTE.replace("call: api.list", "call: apii.list");
    let d = errors(&spec(ITEM, &rest(&route)));
    let call = d
        .iter()
        .find(|d| d.message.contains("unknown namespace"))
        .unwrap();
    assert!(
        help(call).starts_with("did you mean `api.list`?"),
        "{call:?}"
    );
    let src = spec(ITEM, &rest(LIST_ROUTE)).replace("env.TOKEN", "env.TOKN");
    let d = errors(&src);
    assert!(
        help(&d[0]).starts_with("did you mean `{{env.TOKEN}}`?"),
        "{d:?}"
    );
    let src = spec(
        ITEM,
        &rest(&LIST_ROUTE.replace("pageSize: rest", "pageSise: rest")),
    );
    let d = errors(&src);
    assert!(help(&d[0]).starts_with("did you mean `pageSize`?"), "{d:?}");
    assert_eq!(d[0].span.start.line, line_of(&src, "pageSise:"));
}

/// `ITEM`'s `list` operation with `outputRawFormat` (and `outputSchema`) lines added.
fn with_raw_format(lines: &str) -> String {
    spec(
        &ITEM.replacen(
            "        method: GET\n",
            &format!("        method: GET\n{lines}"),
            1,
        ),
        &rest(LIST_ROUTE),
    )
}

#[test]
fn output_raw_formats_are_read_with_their_output_schema() {
    use naftiko_codegen::ir::RawFormat;
    let format = |lines: &str| {
        ok(&with_raw_format(lines)).apis[0].operations[0]
            .raw_format
            .clone()
    };
    assert_eq!(format(""), RawFormat::Json);
    for (name, expected) in [
        ("json", RawFormat::Json),
        ("xml", RawFormat::Xml),
        ("yaml", RawFormat::Yaml),
        ("csv", RawFormat::Csv),
        ("tsv", RawFormat::Tsv),
        ("psv", RawFormat::Psv),
        ("text", RawFormat::Text),
        ("binary", RawFormat::Binary),
        ("html", RawFormat::Html(None)),
        ("markdown", RawFormat::Markdown(None)),
    ] {
        assert_eq!(
            format(&format!("        outputRawFormat: {name}\n")),
            expected,
            "{name}"
        );
    }
    assert_eq!(
        format("        outputRawFormat: html\n        outputSchema: table.results\n"),
        RawFormat::Html(Some("table.results".into()))
    );
    assert_eq!(
        format("        outputRawFormat: markdown\n        outputSchema: '## Results'\n"),
        RawFormat::Markdown(Some("## Results".into()))
    );
    // The schema says `outputSchema` is unused by the other formats.
    assert_eq!(
        format("        outputRawFormat: csv\n        outputSchema: whatever\n"),
        RawFormat::Csv
    );
}

#[test]
fn avro_protobuf_and_unknown_raw_formats_are_located_errors() {
    for name in ["avro", "protobuf"] {
        let s = with_raw_format(&format!(
            "        outputRawFormat: {name}\n        outputSchema: schemas/x.avsc\n"
        ));
        let d = errors(&s);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains(&format!("`outputRawFormat: {name}`")));
        assert!(d[0].message.contains("schema compiled"), "{}", d[0].message);
        assert!(
            d[0].message.ends_with("is not supported yet"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].span.start.line, line_of(&s, "outputRawFormat"));
    }
    let s = with_raw_format("        outputRawFormat: jsonl\n");
    let d = errors(&s);
    assert!(has(&d, "unknown `outputRawFormat` `jsonl`"), "{d:?}");
    assert_eq!(d[0].span.start.line, line_of(&s, "outputRawFormat"));
}

// ---- Issue 9: references, pass-through, operation paths, inferred `in`, warnings ----

/// The warnings of a spec that must be accepted.
fn warnings(src: &str) -> Vec<Diagnostic> {
    match naftiko_codegen::check_str_warnings(src) {
        Ok((_, w)) => {
            assert!(w.iter().all(|w| w.severity == Severity::Warning));
            w
        }
        Err(d) => panic!(
            "expected the spec to be accepted, got:\n{}",
            d.iter()
                .map(|d| d.render("t.yaml", src))
                .collect::<Vec<_>>()
                .join("\n\n")
        ),
    }
}

const ODD_NAMES: &str = "    - name: search
      path: /search
      operations:
      - name: find
        method: GET
        inputParameters:
        - name: $filter
          in: query
          type: string
        - name: filter[status]
          in: query
          type: string
        - name: X-Request-Id
          in: header
          type: string";

#[test]
fn a_reference_takes_any_characters_after_its_prefix_and_is_never_a_literal() {
    let route = "    - path: /v1/search
      operations:
      - method: GET
        call: api.find
        with:
          $filter: rest.$filter
          'filter[status]': 'rest.filter[status]'
          X-Request-Id: api-rest.X-Request-Id";
    let c = ok(&spec(ODD_NAMES, &rest(route)));
    let call = &c.rest[0].routes[0].call;
    assert_eq!(
        call.inputs
            .iter()
            .map(|i| (i.name.as_str(), i.ident.as_str(), i.source))
            .collect::<Vec<_>>(),
        vec![
            ("$filter", "filter", Source::Query),
            ("filter[status]", "filter_status", Source::Query),
            ("X-Request-Id", "x_request_id", Source::Header),
        ]
    );
    assert_eq!(call.args(), [Arg::Input(0), Arg::Input(1), Arg::Input(2)]);
    // The OpenAPI document lists each under its name on the wire.
    let doc = naftiko_codegen::emit::openapi_document(&c, &c.rest[0]).to_string();
    for name in ["\"$filter\"", "\"filter[status]\"", "\"X-Request-Id\""] {
        assert!(doc.contains(name), "{name} in {doc}");
    }
    // `tools.` in a REST operation names the input too, never the text `tools.$filter`.
    let c = ok(&spec(
        ODD_NAMES,
        &rest(&route.replace("rest.$filter", "tools.$filter")),
    ));
    assert_eq!(c.rest[0].routes[0].call.inputs[0].name, "$filter");
    // A prefix without a name is an error, not a constant.
    let d = errors(&spec(
        ODD_NAMES,
        &rest(&route.replace("rest.$filter", "rest.")),
    ));
    assert!(has(&d, "`rest.` names no input"), "{d:?}");
}

#[test]
fn references_inside_a_structured_with_value_fill_it_and_are_never_sent_as_text() {
    use naftiko_codegen::ir::JsonArg;
    let tool = |body: &str| {
        format!(
            "    - name: create\n      description: Create.\n      call: api.create\n      with:\n        orgId: tools.orgId\n        body: {body}"
        )
    };
    let c = ok(&spec(
        ITEM,
        &mcp(&tool(
            "{name: tools.name, tags: [a, '{{tools.tag}}'], size: 1}",
        )),
    ));
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(
        call.inputs
            .iter()
            .map(|i| (i.name.as_str(), i.ty, i.required))
            .collect::<Vec<_>>(),
        vec![
            ("orgId", Type::String, true),
            ("name", Type::String, true),
            ("tag", Type::String, true)
        ]
    );
    assert_eq!(
        call.args()[1],
        Arg::Json(JsonArg::Object(vec![
            ("name".into(), JsonArg::Input(1)),
            (
                "tags".into(),
                JsonArg::Array(vec![
                    JsonArg::Value(serde_json::json!("a")),
                    JsonArg::Input(2)
                ])
            ),
            ("size".into(), JsonArg::Value(serde_json::json!(1))),
        ]))
    );
    // Without references it is a constant.
    let c = ok(&spec(ITEM, &mcp(&tool("{size: 1}"))));
    assert_eq!(
        c.mcp[0].tools[0].call.args()[1],
        Arg::Const(serde_json::json!({"size": 1}))
    );
    // Text around a reference, or a bind, inside it is not supported; text around a
    // reference in a scalar value neither.
    let d = errors(&spec(ITEM, &mcp(&tool("{name: 'x {{tools.name}}'}"))));
    assert!(
        has(
            &d,
            "text around a reference inside a structured `with` value (`x {{tools.name}}`) is not supported yet"
        ),
        "{d:?}"
    );
    let d = errors(&spec(ITEM, &mcp(&tool("{token: '{{env.TOKEN}}'}"))));
    assert!(
        has(
            &d,
            "a bind inside a structured `with` value (`{{env.TOKEN}}`) is not supported yet"
        ),
        "{d:?}"
    );
    let scalar = |value: &str| {
        format!(
            "    - name: find\n      description: Find.\n      call: api.find\n      with:\n        $filter: {value}"
        )
    };
    let d = errors(&spec(ODD_NAMES, &mcp(&scalar("'status eq {{tools.s}}'"))));
    assert!(
        has(
            &d,
            "text around an input reference in a `with` value (`{{tools.s}}`) is not supported yet"
        ),
        "{d:?}"
    );
    // A list or mapping for a string parameter is an error.
    let d = errors(&spec(ODD_NAMES, &mcp(&scalar("{criteria: [tools.tag]}"))));
    assert!(
        has(
            &d,
            "a list or mapping is given to `$filter`, which is a string"
        ),
        "{d:?}"
    );
}

#[test]
fn a_parameter_value_naming_an_input_without_braces_is_a_reference() {
    let res = ODD_NAMES.replace(
        "        - name: $filter\n          in: query\n          type: string",
        "        - name: $filter\n          in: query\n          type: string\n          value: tools.q",
    );
    let c = ok(&spec(
        &res,
        &mcp("    - name: find\n      description: Find.\n      call: api.find"),
    ));
    let op = &c.apis[0].operations[0];
    assert_eq!(
        (
            op.params[0].fixed.as_ref(),
            op.params[0].default_input.as_deref()
        ),
        (None, Some("q"))
    );
    assert_eq!(c.mcp[0].tools[0].call.inputs[0].name, "q");
}

#[test]
fn a_with_entry_cannot_feed_a_parameter_with_a_fixed_value() {
    let res = ODD_NAMES.replace(
        "          type: string\n        - name: filter[status]",
        "          type: string\n          value: active\n        - name: filter[status]",
    );
    let tool = "    - name: find
      description: Find.
      call: api.find
      with:
        $filter: tools.f";
    let d = errors(&spec(&res, &mcp(tool)));
    assert!(
        has(
            &d,
            "`with` feeds `$filter`, which has its own fixed `value:` in `api.find`"
        ),
        "{d:?}"
    );
}

#[test]
fn values_that_would_be_dropped_are_errors() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    // An API-wide parameter whose value is not a string.
    let d = errors(&s.replace(
        "    resources:\n    - name: items",
        "    inputParameters:\n    - name: X-Fixed\n      in: header\n      value: {a: 1}\n    resources:\n    - name: items",
    ));
    assert!(
        has(
            &d,
            "a fixed parameter `value` must be a string, found a mapping"
        ),
        "{d:?}"
    );
    // Authentication given twice.
    let d = errors(&s.replace(
        "    resources:\n    - name: items",
        "    auth:\n      type: bearer\n      token: x\n    resources:\n    - name: items",
    ));
    assert!(has(&d, "both `authentication` and `auth`"), "{d:?}");
    // A `value` on an exposed input.
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: string
        value: fixed";
    let d = errors(&spec(ITEM, &mcp(tool)));
    assert!(
        has(
            &d,
            "a `value` on an exposed input parameter is not supported yet"
        ),
        "{d:?}"
    );
}

#[test]
fn a_body_template_reference_is_an_input_prefix_or_a_bind() {
    let res = "    - name: entities
      path: /entities
      operations:
      - name: add
        method: POST
        body:
          type: json
          data:
            name: '{{envv.NAME}}'";
    let tool = "    - name: add\n      description: Add.\n      call: api.add";
    let d = errors(&spec(res, &mcp(tool)));
    assert!(
        has(
            &d,
            "template `{{envv.NAME}}` in a `body` template names no bind or parameter"
        ),
        "{d:?}"
    );
    // An adapter's namespace is an input prefix.
    let c = ok(&spec(&res.replace("envv.NAME", "api-mcp.name"), &mcp(tool)));
    assert_eq!(c.mcp[0].tools[0].call.inputs[0].name, "name");
}

#[test]
fn an_unfed_parameter_passes_through_from_a_same_named_declared_input_required_or_not() {
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: string
        required: true
      - name: pageSize
        type: integer
      - name: X-Trace
        type: string";
    let src = spec(ITEM, &mcp(tool));
    let c = ok(&src);
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(call.args(), [Arg::Input(0), Arg::Input(1), Arg::Input(2)]);
    assert!(
        warnings(&src)
            .iter()
            .all(|w| !w.message.contains("feeds no"))
    );
}

#[test]
fn a_declared_tool_input_is_required_unless_it_says_otherwise() {
    // `McpToolInputParameter.required` defaults to true (schema and reference engine).
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: string
        required: false
      - name: pageSize
        type: integer
      - name: X-Trace
        type: string
        required: false";
    let c = ok(&spec(ITEM, &mcp(tool)));
    let required: Vec<(&str, bool)> = c.mcp[0].tools[0]
        .call
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.required))
        .collect();
    // `pageSize` feeds an optional query parameter: required only by the default.
    assert_eq!(
        required,
        [("orgId", true), ("pageSize", true), ("X-Trace", false)]
    );
}

#[test]
fn a_declared_input_that_feeds_nothing_is_a_warning() {
    let tool = "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: string
        required: true
      - name: unused
        type: string";
    let src = spec(ITEM, &mcp(tool));
    let w = warnings(&src);
    let unused = w
        .iter()
        .find(|w| {
            w.message
                .contains("input `unused` of `list-items` feeds no parameter of `api.list`")
        })
        .unwrap_or_else(|| panic!("{w:?}"));
    assert_eq!(unused.span.start.line, line_of(&src, "name: unused"));
    // An input that an output's `value` reads is used.
    let read = format!(
        "{tool}\n      outputParameters:\n      - name: note\n        type: string\n        value: 'by {{{{unused}}}}'\n      - name: items\n        type: object\n        mapping: $."
    );
    let w = warnings(&spec(ITEM, &mcp(&read)));
    assert!(w.iter().all(|w| !w.message.contains("feeds no")), "{w:?}");
}

#[test]
fn an_operation_path_is_appended_to_its_resource_path_unless_it_begins_with_it() {
    let res = |op_path: &str| {
        format!(
            "    - name: contacts
      path: /api/now/contact
      operations:
      - name: get
        method: GET
        path: {op_path}
        inputParameters:
        - name: id
          in: path
          type: string"
        )
    };
    let tool = "    - name: get\n      description: Get.\n      call: api.get";
    for (op_path, resolved) in [
        ("/{id}", "/api/now/contact/{id}"),
        ("/api/now/contact/{id}", "/api/now/contact/{id}"),
        (
            "/api/now/contactx/{id}",
            "/api/now/contact/api/now/contactx/{id}",
        ),
    ] {
        let src = spec(&res(op_path), &mcp(tool));
        let c = ok(&src);
        assert_eq!(c.apis[0].operations[0].path, resolved, "{op_path}");
        let w = warnings(&src);
        let stated = w
            .iter()
            .find(|w| {
                w.message
                    .contains(&format!("the operation calls `{resolved}`"))
            })
            .unwrap_or_else(|| panic!("{op_path}: {w:?}"));
        assert_eq!(
            stated.span.start.line,
            line_of(&src, "path: /api/now/contact") + 4
        );
    }
}

#[test]
fn a_parameter_without_in_named_like_a_path_placeholder_is_a_path_parameter() {
    let res = "    - name: things
      path: /things/{thingId}
      operations:
      - name: get
        method: GET
        inputParameters:
        - name: thingId
          type: string";
    let tool = "    - name: get\n      description: Get.\n      call: api.get";
    let src = spec(res, &mcp(tool));
    let p = &ok(&src).apis[0].operations[0].params[0];
    assert_eq!(
        (p.name.as_str(), p.location, p.required),
        ("thingId", In::Path, true)
    );
    assert!(
        has(
            &warnings(&src),
            "parameter `thingId` has no `in`: read as `in: path`"
        ),
        "{:?}",
        warnings(&src)
    );
    // Any other parameter without `in` is an error.
    let d = errors(&spec(
        &format!("{res}\n        - name: other\n          type: string"),
        &mcp(tool),
    ));
    assert!(
        has(&d, "missing required key `in` in parameter `other`"),
        "{d:?}"
    );
}

#[test]
fn dollar_brace_and_single_brace_binds_are_not_template_forms() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    let src = s.replace(
        "baseUri: https://api.example.com",
        "baseUri: https://${TOKEN}.example.com",
    );
    let d = errors(&src);
    assert!(
        has(
            &d,
            "`baseUri` has `${TOKEN}`, but `${X}` is not a template form"
        ),
        "{d:?}"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("the bind `env.TOKEN` exists: write `{{TOKEN}}` (or `{{env.TOKEN}}`)")
    );
    assert_eq!(d[0].span.start.col, line_of_col(&src, "${TOKEN}"));
    let d = errors(&s.replace("'{{env.TOKEN}}'", "'{TOKEN}'"));
    assert!(
        has(
            &d,
            "authentication has `{TOKEN}`, but `{X}` is not a template form"
        ),
        "{d:?}"
    );
    // Without a bind of that name, the help says to declare one.
    let d = errors(&s.replace(
        "baseUri: https://api.example.com",
        "baseUri: https://${HOST}/api",
    ));
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("declare `HOST` under `binds`"),
        "{d:?}"
    );
}

/// The 1-based column of `needle` on its line (ASCII lines).
fn line_of_col(src: &str, needle: &str) -> usize {
    src.lines()
        .find_map(|l| l.find(needle))
        .map_or(0, |c| c + 1)
}

#[test]
fn the_rules_of_the_naftiko_ruleset_are_warnings_at_their_severities() {
    // A spec that breaks every `warn`/`info` rule we check.
    let routes = "    - path: /v1/orgs/{orgid}/items/
      operations:
      - method: GET
        call: api.list
        with:
          orgId: rest.orgId
    - path: /v1/q?x=1
      operations:
      - method: GET
        call: api.list
        with:
          orgId: rest.orgId";
    let src = spec(ITEM, &rest(routes))
        .replace(
            "baseUri: https://api.example.com",
            "baseUri: https://api.example.com/",
        )
        .replace(
            "    port: 8080",
            "    port: 8080\n    address: api.example.com",
        );
    let w = warnings(&src);
    for rule in [
        "naftiko-info-tags",
        "naftiko-consumes-description",
        "naftiko-consumes-baseuri-no-trailing-slash",
        "naftiko-baseuri-not-example",
        "naftiko-address-not-example",
        "naftiko-rest-resource-description",
        "naftiko-rest-operation-description",
        "naftiko-rest-resource-path-no-trailing-slash",
        "naftiko-rest-resource-path-no-query",
    ] {
        assert!(has(&w, &format!("({rule})")), "{rule}: {w:?}");
    }
    // Fixed, they are gone.
    let clean = "naftiko: 1.0.0-alpha2
info:
  label: Clean
  description: A clean capability.
  tags: [test]
capability:
  consumes:
  - type: http
    namespace: api
    description: The API.
    baseUri: https://api.test
    resources:
    - name: items
      path: /items
      operations:
      - name: list
        method: GET
  exposes:
  - type: rest
    namespace: api-rest
    port: 8080
    resources:
    - path: /items
      description: Items.
      operations:
      - method: GET
        description: List items.
        call: api.list";
    assert_eq!(warnings(clean), Vec::new());
}

#[test]
fn the_error_rules_of_the_ruleset_are_errors() {
    let s = spec(ITEM, &rest(LIST_ROUTE));
    let d = errors(&s.replace("- namespace: env", "- namespace: api"));
    assert!(
        has(&d, "bind namespace `api` is also the namespace at line"),
        "{d:?}"
    );
    let d = errors(&s.replace(
        "description: A test capability.",
        "description: 'A <script>alert(1)</script> and eval(x)'",
    ));
    assert!(has(&d, "(naftiko-no-script-tags-in-markdown)"), "{d:?}");
    assert!(has(&d, "(naftiko-no-eval-in-markdown)"), "{d:?}");
}

#[test]
fn a_stdio_mcp_adapter_with_a_port_is_a_warning() {
    let src = spec(
        ITEM,
        &mcp("    - name: t\n      description: T.\n      call: api.list")
            .replace("    port: 9090", "    port: 9090\n    transport: stdio"),
    );
    assert!(
        has(
            &warnings(&src),
            "`port` is not used: an MCP adapter with `transport: stdio`"
        ),
        "{:?}",
        warnings(&src)
    );
}

/// `ITEM` and a consumed `POST /submit` operation `submit` (`operations[2]`) with this
/// `body:` value, `extra` lines before it.
fn with_body(body: &str, extra: &str) -> String {
    spec(
        &format!(
            "{ITEM}
    - name: submit
      path: /submit
      operations:
      - name: submit
        method: POST
{extra}        body: {body}"
        ),
        &rest(LIST_ROUTE),
    )
}

#[test]
fn every_request_body_kind_is_read_with_its_media_type() {
    use naftiko_codegen::ir::{Encoding, Escape, TextPart};
    let body = |b: &str, extra: &str| ok(&with_body(b, extra)).apis[0].operations[2].body.clone();
    let text = |b: Body| match b {
        Body::Text(t) => (t.media_type, t.escape, t.parts),
        other => panic!("{other:?}"),
    };
    for (ty, media, escape) in [
        ("text", "text/plain", Escape::None),
        ("xml", "application/xml", Escape::Xml),
        ("sparql", "application/sparql-query", Escape::Sparql),
        ("binary", "application/octet-stream", Escape::None),
        (
            "formUrlEncoded",
            "application/x-www-form-urlencoded",
            Escape::Form,
        ),
    ] {
        let (m, e, parts) = text(body(
            &format!("\n          type: {ty}\n          data: 'a={{{{x}}}}'"),
            "",
        ));
        assert_eq!((m.as_deref(), e), (Some(media), escape), "{ty}");
        assert_eq!(
            parts,
            vec![TextPart::Lit("a=".into()), TextPart::Var(0)],
            "{ty}"
        );
    }
    // A raw string body is JSON, its values JSON-escaped; a Content-Type header types it.
    let (m, e, _) = text(body("'{\"n\": \"{{x}}\"}'", ""));
    assert_eq!((m.as_deref(), e), (Some("application/json"), Escape::Json));
    let typed = "        inputParameters:\n        - name: content-type\n          in: header\n          value: text/csv\n";
    let (m, e, _) = text(body("'{{x}}'", typed));
    assert_eq!((m, e), (None, Escape::None));
    // Structured data in other encodings, and the published aliases.
    for (ty, encoding) in [
        ("yaml", Encoding::Yaml),
        ("application/cbor", Encoding::Cbor),
        ("formUrlEncoded", Encoding::Form),
        ("form", Encoding::Form),
    ] {
        let b = body(
            &format!("\n          type: {ty}\n          data:\n            k: '{{{{x}}}}'"),
            "",
        );
        assert!(
            matches!(b, Body::Encoded(e, _) if e == encoding),
            "{ty}: {b:?}"
        );
    }
    for data in [
        "\n          - name: f\n            value: '{{x}}'\n            filename: a.txt\n            contentType: text/plain",
        "\n            f: '{{x}}'",
    ] {
        let b = body(
            &format!("\n          type: multipartForm\n          data:{data}"),
            "",
        );
        let Body::Multipart(parts) = b else {
            panic!("{b:?}")
        };
        assert_eq!(parts[0].name, "f");
        assert_eq!(parts[0].value, vec![TextPart::Var(0)]);
    }
    // A variable of a text body is a required parameter; of a structured one, optional.
    let c = ok(&with_body(
        "\n          type: xml\n          data: '<a>{{x}}</a>'",
        "",
    ));
    assert!(c.apis[0].operations[2].params[0].required);
    let c = ok(&with_body(
        "\n          type: yaml\n          data:\n            a: '{{x}}'",
        "",
    ));
    assert!(!c.apis[0].operations[2].params[0].required);
}

#[test]
fn malformed_bodies_are_located_errors() {
    let cases = [
        (
            "\n          type: msgpack\n          data: x",
            "unknown request body type `msgpack`",
            "type: msgpack",
        ),
        (
            "\n          type: xml\n          data:\n            a: b",
            "the `data` of a `xml` body must be a string, found a mapping",
            "a: b",
        ),
        (
            "\n          type: xml",
            "missing required key `data` in a `xml` request body",
            "type: xml",
        ),
        (
            "\n          type: formUrlEncoded\n          data:\n            a: [1]",
            "a form field's value must be a string",
            "a: [1]",
        ),
        (
            "\n          type: multipartForm\n          data:\n          - value: v",
            "a multipart part needs a `name` and a `value`",
            "- value: v",
        ),
        (
            "\n          type: multipartForm\n          data:\n          - name: n\n            value: v\n            size: 3",
            "unknown key `size` in a multipart part",
            "size: 3",
        ),
    ];
    for (b, message, line) in cases {
        let s = with_body(b, "");
        let d = errors(&s);
        assert!(has(&d, message), "{message}: {d:?}");
        assert_eq!(d[0].span.start.line, line_of(&s, line), "{message}");
    }
}

#[test]
fn a_query_string_in_a_consumed_path_breaks_a_rule_of_the_ruleset() {
    // The rule alone (what the resolver makes of the query string is tested on its own).
    let src = spec(
        &ITEM.replacen("/orgs/{orgId}/items", "/orgs/{orgId}/items?format=json", 1),
        &rest(LIST_ROUTE),
    );
    let root = naftiko_codegen::yaml::parse(&src).unwrap();
    let mut cx = naftiko_codegen::diag::Ctxt::new();
    naftiko_codegen::rules::check(&root, &mut cx);
    let w = cx.check().unwrap();
    let rule = w
        .iter()
        .find(|w| {
            w.message
                .contains("(naftiko-consumed-resource-no-query-in-path)")
        })
        .unwrap_or_else(|| panic!("{w:?}"));
    assert_eq!(rule.span.start.line, line_of(&src, "items?format=json"));
}

#[test]
fn a_query_string_in_a_resource_path_is_fixed_query_parameters() {
    let with_path =
        |path: &str| ITEM.replace("path: /orgs/{orgId}/items", &format!("path: {path}"));
    let c = ok(&spec(
        &with_path("/orgs/{orgId}/items?format=json&q=a+b%21"),
        &rest(LIST_ROUTE),
    ));
    let op = &c.apis[0].operations[0];
    assert_eq!(op.path, "/orgs/{orgId}/items");
    let fixed: Vec<(&str, In, String)> = op
        .params
        .iter()
        .filter_map(|p| Some((p.name.as_str(), p.location, p.fixed.as_ref()?.literal())))
        .collect();
    assert_eq!(
        fixed,
        [
            ("format", In::Query, "json".into()),
            ("q", In::Query, "a b!".into())
        ]
    );
    let s = spec(
        &with_path("/orgs/{orgId}/items?pageSize=5"),
        &rest(LIST_ROUTE),
    );
    assert!(has(
        &errors(&s),
        "query parameter `pageSize` is both in the resource path's query string and declared"
    ));
    let s = spec(&with_path("/orgs/{orgId}/items?id={id}"), &rest(LIST_ROUTE));
    let d = errors(&s);
    assert!(
        has(&d, "a placeholder in a resource path's query string"),
        "{d:?}"
    );
    assert_eq!(d[0].span.start.line, line_of(&s, "items?id="));
}

#[test]
fn a_bind_in_a_body_template_is_read_from_the_environment() {
    use naftiko_codegen::ir::TextPart;
    let c = ok(&with_body(
        "\n          type: xml\n          data: '<k>{{env.TOKEN}}</k><n>{{TOKEN}}</n>'",
        "",
    ));
    let Body::Text(t) = &c.apis[0].operations[2].body else {
        panic!()
    };
    assert_eq!(
        t.parts,
        vec![
            TextPart::Lit("<k>".into()),
            TextPart::Env("API_TOKEN".into()),
            TextPart::Lit("</k><n>".into()),
            TextPart::Env("API_TOKEN".into()),
            TextPart::Lit("</n>".into()),
        ]
    );
    // Not a parameter: nothing has to feed it.
    assert!(c.apis[0].operations[2].params.is_empty());
}

#[test]
fn a_text_body_given_a_one_entry_mapping_suggests_the_text_itself() {
    let s = with_body(
        "\n          type: binary\n          data:\n            content: '{{tools.content}}'",
        "",
    );
    let d = errors(&s);
    assert!(
        has(
            &d,
            "the `data` of a `binary` body must be a string, found a mapping"
        ),
        "{d:?}"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some(
            "the body is the text itself; to send the value of `content`, write `data: '{{tools.content}}'`"
        )
    );
}

/// A consumed API with an operation that declares no body, and one with path and query
/// parameters, for `mapping` on exposed inputs.
const MAPPED: &str = "    - name: things
      path: /things
      operations:
      - name: make
        method: POST
    - name: thing
      path: /things/{id}
      operations:
      - name: fetch
        method: GET
        inputParameters:
        - name: id
          in: path
        - name: verbose
          in: query";

#[test]
fn input_mappings_say_where_inputs_go_in_the_consumed_request() {
    let tools = "    - name: make
      description: d
      call: api.make
      inputParameters:
      - name: title
        type: string
        required: true
        mapping: $.body.title
      - name: color
        type: string
        mapping: $.body.style.color
    - name: fetch
      description: d
      call: api.fetch
      inputParameters:
      - name: thing
        type: string
        required: true
        mapping: $.path.id
      - name: detail
        type: string
        mapping: $.query.verbose";
    let c = ok(&spec(MAPPED, &mcp(tools)));
    // The operation without a body gets an optional JSON object body for the mapped fields.
    let make = &c.apis[0].operations[0];
    let body = make.params.last().expect("a body parameter");
    assert_eq!(
        (body.name.as_str(), body.location, body.required),
        ("body", In::Body, false)
    );
    assert_eq!(make.body, Body::Whole(make.params.len() - 1));
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(
        call.args().last(),
        Some(&Arg::Json(JsonArg::Object(vec![
            ("title".into(), JsonArg::Input(0)),
            (
                "style".into(),
                JsonArg::Object(vec![("color".into(), JsonArg::Input(1))])
            ),
        ])))
    );
    // Path and query mappings feed parameters of other names.
    assert_eq!(
        c.mcp[0].tools[1].call.args(),
        [Arg::Input(0), Arg::Input(1)]
    );
}

#[test]
fn a_bad_input_mapping_is_an_error_at_its_value() {
    let tools = "    - name: fetch
      description: d
      call: api.fetch
      inputParameters:
      - name: thing
        type: string
        required: true
        mapping: $.path.nope
      - name: detail
        type: string
        mapping: $.cookie.x";
    let src = spec(MAPPED, &mcp(tools));
    let d = errors(&src);
    assert!(
        has(
            &d,
            "`thing` maps to path parameter `nope`, which `api.fetch` does not have"
        ),
        "{d:?}"
    );
    assert!(has(&d, "found `$.cookie.x`"), "{d:?}");
    let e = d.iter().find(|d| d.message.contains("$.cookie.x")).unwrap();
    assert_eq!(e.span.start.line, line_of(&src, "mapping: $.cookie.x"));
    // On a consumed parameter, `mapping` has no meaning.
    let consumed = MAPPED.replace(
        "          in: query",
        "          in: query\n          mapping: $.body.x",
    );
    let d = errors(&spec(
        &consumed,
        &mcp("    - name: fetch\n      description: d\n      call: api.fetch"),
    ));
    assert!(
        has(&d, "`mapping` on a consumed parameter has no meaning"),
        "{d:?}"
    );
}

#[test]
fn with_values_read_from_binds_feed_string_parameters() {
    let tools = "    - name: list
      description: d
      call: api.list
      with:
        orgId: rest.orgId
        X-Trace: 'trace-{{env.TOKEN}}'";
    let c = ok(&spec(
        ITEM,
        &mcp(&tools.replace("rest.orgId", "tools.orgId")),
    ));
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(
        call.args()[2],
        Arg::Env(naftiko_codegen::ir::Template(vec![
            Part::Lit("trace-".into()),
            Part::Env("API_TOKEN".into())
        ]))
    );
    // The client reads the variable when it is built.
    assert_eq!(c.apis[0].request_env, ["API_TOKEN"]);
    // A bind is text: it cannot feed an integer parameter.
    let d = errors(&spec(
        ITEM,
        &mcp(
            "    - name: list\n      description: d\n      call: api.list\n      with:\n        orgId: tools.orgId\n        pageSize: '{{env.TOKEN}}'",
        ),
    ));
    assert!(
        has(&d, "a bind (text) feeding `pageSize`, which is an integer"),
        "{d:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// MCP resources and prompts (issue 11)
// ---------------------------------------------------------------------------------------------

/// An `mcp` adapter with one tool and the given `resources:` / `prompts:` entries.
fn mcp_with(extra: &str) -> String {
    spec(
        ITEM,
        &format!(
            "{}
{extra}",
            mcp("    - name: list
      description: List
      call: api.list")
        ),
    )
}

/// A file of the workspace, as an absolute `file:///` location.
fn fixture(rel: &str) -> String {
    format!(
        "file://{}/../tests/specs/resources/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn mcp_resources_are_files_or_calls_and_templates_feed_their_calls() {
    let src = mcp_with(&format!(
        "    resources:
    - name: guide
      label: Guide
      uri: docs://guide
      description: The guide
      location: {}
    - name: items
      label: Items
      uri: data://orgs/{{orgId}}/items
      description: The items of an org
      call: api.list
      with:
        pageSize: 5
    - name: traced
      label: Traced
      uri: data://traced/{{org}}/{{trace}}
      description: Items, traced
      mimeType: text/plain
      call: api.list
      with:
        orgId: '{{{{org}}}}'
        X-Trace: resources.trace",
        fixture("guide.md")
    ));
    let cap = ok(&src);
    let m = &cap.mcp[0];
    assert_eq!(m.resources.len(), 3);
    let guide = &m.resources[0];
    assert!(!guide.templated);
    assert_eq!(guide.mime_type.as_deref(), Some("text/markdown"));
    assert!(
        matches!(&guide.kind, naftiko_codegen::ir::ResourceKind::File(p) if p.ends_with("tests/specs/resources/guide.md") && !p.contains(".."))
    );
    let naftiko_codegen::ir::ResourceKind::Call(items) = &m.resources[1].kind else {
        panic!("a call")
    };
    assert!(m.resources[1].templated);
    // No `with` for it: the variable feeds the same-named parameter, a required string.
    assert_eq!(
        m.resources[1].mime_type.as_deref(),
        Some("application/json")
    );
    let names: Vec<(&str, Type, bool)> = items
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.ty, i.required))
        .collect();
    assert_eq!(names, [("orgId", Type::String, true)]);
    let args = items.args();
    assert_eq!(args[0], Arg::Input(0));
    assert_eq!(args[1], Arg::Const(serde_json::json!(5)));
    let naftiko_codegen::ir::ResourceKind::Call(traced) = &m.resources[2].kind else {
        panic!("a call")
    };
    assert_eq!(m.resources[2].mime_type.as_deref(), Some("text/plain"));
    assert_eq!(traced.args()[0], Arg::Input(0));
    assert_eq!(traced.args()[2], Arg::Input(1));
}

#[test]
fn mcp_resource_mistakes_are_located_errors() {
    let cases = [
        (
            "uri: data://x\n      description: d\n      location: file:///./no/such/file.md",
            "resource file `no/such/file.md` does not exist",
            "location:",
        ),
        (
            "uri: data://x\n      description: d",
            "an MCP resource needs `call` or `steps` (dynamic) or `location` (static)",
            "- name: r",
        ),
        (
            "uri: data://x\n      description: d\n      call: api.list\n      location: file:///./x.md",
            "either dynamic (`call: api.list`) or static (`location`), not both",
            "location:",
        ),
        (
            "uri: data://orgs/{orgid}\n      description: d\n      call: api.list\n      with:\n        orgId: '{{orgId}}'",
            "`with` refers to an input `orgId` that does not exist",
            "orgId: '{{orgId}}'",
        ),
        (
            "uri: no-scheme\n      description: d\n      call: api.list\n      with:\n        orgId: o",
            "resource `uri` must be an absolute URI",
            "uri:",
        ),
        (
            "uri: data://orgs/{+orgId}\n      description: d\n      call: api.list",
            "URI template operators (`{+orgId}`): only level 1 `{var}` is not supported yet",
            "uri:",
        ),
        (
            "uri: data://orgs\n      description: d\n      call: api.list",
            "required parameter `orgId` (path) of `api.list` is fed by nothing",
            "call: api.list",
        ),
        (
            "uri: data://orgs/{orgId}\n      description: d\n      call: api.list\n      steps:\n      - type: call\n        name: s\n        call: api.list",
            "a resource either calls one operation (`call`) or orchestrates (`steps`), not both",
            "call: api.list\n      steps",
        ),
        (
            "uri: data://orgs/{orgId}\n      description: d\n      mimeType: json\n      call: api.list",
            "`mimeType` must be a media type",
            "mimeType:",
        ),
    ];
    for (body, message, at) in cases {
        let src = mcp_with(&format!(
            "    resources:\n    - name: r\n      label: R\n      {body}"
        ));
        let d = errors(&src);
        let found = d
            .iter()
            .find(|d| d.message.contains(message))
            .unwrap_or_else(|| panic!("{message}: {d:#?}"));
        let line = src
            .rfind(at)
            .map(|i| src[..i].lines().count() + usize::from(src[..i].ends_with('\n')))
            .expect("marker");
        assert_eq!(found.span.start.line, line, "{message}");
    }
}

#[test]
fn mcp_prompts_fill_placeholders_from_their_arguments() {
    let src = mcp_with(&format!(
        "    prompts:
    - name: hello
      label: Hello
      description: Greets
      arguments:
      - name: who
        description: Who
      - name: tone
        description: The tone
        required: false
      template:
      - role: user
        content: 'Hi {{{{who}}}}, {{{{ tone }}}}!'
      - role: assistant
        content: Hello.
    - name: review
      label: Review
      description: From a file
      arguments:
      - name: ship
        description: The ship
      location: {}",
        fixture("review.txt")
    ));
    let cap = ok(&src);
    use naftiko_codegen::ir::PromptPart::{Arg as A, Lit};
    let p = &cap.mcp[0].prompts[0];
    assert_eq!(
        p.messages[0].parts,
        [
            Lit("Hi ".into()),
            A(0),
            Lit(", ".into()),
            A(1),
            Lit("!".into())
        ]
    );
    assert!(!p.messages[0].assistant && p.messages[1].assistant);
    assert_eq!(
        p.arguments.iter().map(|a| a.required).collect::<Vec<_>>(),
        [true, false]
    );
    let file = &cap.mcp[0].prompts[1];
    assert_eq!(file.messages.len(), 1);
    assert!(file.messages[0].parts.contains(&A(0)));
    assert!(
        file.file
            .as_deref()
            .is_some_and(|f| f.ends_with("review.txt"))
    );
}

#[test]
fn a_prompt_placeholder_naming_no_argument_is_a_located_error() {
    let src = mcp_with(
        "    prompts:
    - name: hello
      label: Hello
      description: Greets
      arguments:
      - name: who
        description: Who
      template:
      - role: user
        content: 'Hi {{whom}}!'",
    );
    let d = errors(&src);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        d[0].message,
        "placeholder `{{whom}}` names no argument of prompt `hello`"
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "Hi {{whom}}"));
    // The column of `{{whom}}` inside the quoted string.
    let col = src
        .lines()
        .nth(d[0].span.start.line - 1)
        .unwrap()
        .find("{{whom}}")
        .unwrap()
        + 1;
    assert_eq!(d[0].span.start.col, col);
    assert!(
        d[0].help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `{{who}}`?"))
    );

    // A file prompt is checked too; the error names the line in the file.
    let src = mcp_with(&format!(
        "    prompts:
    - name: review
      label: Review
      description: From a file
      arguments:
      - name: vessel
        description: The ship
      location: {}",
        fixture("review.txt")
    ));
    let d = errors(&src);
    assert!(
        has(
            &d,
            "placeholder `{{ship}}` names no argument of prompt `review` (line 1 of `review.txt`)"
        ),
        "{d:#?}"
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "location:"));
}

#[test]
fn prompt_mistakes_are_errors_and_an_unused_argument_a_warning() {
    let body = |rest: &str| {
        mcp_with(&format!(
            "    prompts:\n    - name: p\n      label: P\n      description: D\n{rest}"
        ))
    };
    let cases = [
        (
            "      arguments: [{name: a, description: A}]\n",
            "an MCP prompt needs an inline `template` or a `location` file",
        ),
        (
            "      location: file:///./missing.txt\n",
            "prompt file `missing.txt` does not exist",
        ),
        (
            "      template: [{role: system, content: x}]\n",
            "unknown prompt role `system`",
        ),
        (
            "      template: [{role: user, content: 'x {{a'}]\n      arguments: [{name: a, description: A}]\n",
            "unclosed `{{` in prompt `p`",
        ),
        (
            "      template: [{role: user, content: x}]\n      location: file:///./x.txt\n",
            "either an inline `template` or a `location` file, not both",
        ),
    ];
    for (rest, message) in cases {
        let d = errors(&body(rest));
        assert!(has(&d, message), "{message}: {d:#?}");
    }
    let src = body(
        "      arguments:\n      - name: a\n        description: A\n      template: [{role: user, content: hi}]\n",
    );
    let (_, warnings) = naftiko_codegen::check_str_warnings(&src).expect("accepted");
    let w = warnings
        .iter()
        .find(|w| {
            w.message
                .contains("argument `a` of prompt `p` is in no message")
        })
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    assert_eq!(w.severity, Severity::Warning);
}

#[test]
fn a_raw_json_body_placeholder_outside_a_string_takes_any_json() {
    let res = "    - name: voyages
      path: /voyages
      operations:
      - name: create
        method: POST
        body: |
          {\"ship\": \"{{ship}}\", \"crew\": {{crew}}, \"note\": \"say \\\"{{ship}}\\\"\"}";
    let tool = "    - name: create
      description: d
      call: api.create
      inputParameters:
      - name: ship
        type: string
        required: true
      - name: crew
        type: array
        required: true";
    let c = ok(&spec(res, &mcp(tool)));
    let op = &c.apis[0].operations[0];
    let crew = op.params.iter().find(|p| p.name == "crew").expect("crew");
    assert!(crew.any_json);
    assert!(!crew.required, "a JSON slot may be null");
    let ship = op.params.iter().find(|p| p.name == "ship").expect("ship");
    assert!(!ship.any_json, "quoted placeholders stay text");
    let Body::Text(t) = &op.body else {
        panic!("{:?}", op.body)
    };
    assert!(
        t.parts.contains(&naftiko_codegen::ir::TextPart::JsonVar(1)),
        "{t:?}"
    );
}

#[test]
fn a_list_of_items_is_the_properties_of_each_element() {
    let route = "    - path: /v1/orgs/{orgid}/items
      operations:
      - method: GET
        name: list
        call: api.list
        with:
          orgId: rest.orgId
        outputParameters:
        - type: array
          mapping: $.data
          items:
          - name: id
            type: string
            mapping: $.id
          - name: size
            type: integer
            mapping: $.size";
    let c = ok(&spec(ITEM, &rest(route)));
    let ShapeKind::Array {
        items: Some(item), ..
    } = &c.rest[0].routes[0].call.output.kind
    else {
        panic!("an array")
    };
    let ShapeKind::Object { properties, .. } = &item.kind else {
        panic!("object items")
    };
    let names: Vec<&str> = properties.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["id", "size"]);
    let d = errors(&spec(
        ITEM,
        &rest(&route.replace(
            "          - name: size\n            type",
            "          - type",
        )),
    ));
    assert!(has(&d, "needs a `name`"), "{d:?}");
}

// ---------------------------------------------------------------------------------------------
// Orchestrated operations: `steps`, `mappings`, orchestrated outputs (issue 10)
// ---------------------------------------------------------------------------------------------

/// A tool with the given steps and mappings (and outputs `name`, `crew`).
fn orchestrated(steps: &str, mappings: &str) -> String {
    let tool = format!(
        "    - name: items-with-owners
      description: Items with their owners.
      inputParameters:
      - name: org
        type: string
        required: true
        description: The organisation.
      steps:
{steps}
      mappings:
{mappings}
      outputParameters:
      - name: name
        type: string
      - name: owners
        type: array
        items:
        - name: fullName
          type: string"
    );
    spec(ITEM, &mcp(&tool))
}

const STEPS: &str = "      - name: list-items
        type: call
        call: api.list
        with:
          orgId: '{{org}}'
      - name: list-people
        type: call
        call: api.list
        with:
          orgId: people
      - name: owners
        type: lookup
        index: list-people
        match: id
        lookupValue: $.list-items.ownerIds
        outputParameters:
        - fullName";

const MAPPINGS: &str = "      - targetName: name
        value: $.list-items.title
      - targetName: owners
        value: $.owners";

/// The diagnostic whose message contains `needle`, checked to start on the line containing
/// `at` (the first such line after `after`).
fn located<'a>(
    d: &'a [Diagnostic],
    src: &str,
    needle: &str,
    after: &str,
    at: &str,
) -> &'a Diagnostic {
    let found = d
        .iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in {d:#?}"));
    let start = line_of(src, after);
    let line = src
        .lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.contains(at))
        .map_or(0, |(i, _)| i + 1);
    assert_eq!(found.span.start.line, line, "{found:#?}");
    found
}

#[test]
fn steps_resolve_to_calls_and_lookups_and_mappings_to_a_shape_over_the_context() {
    let c = ok(&orchestrated(STEPS, MAPPINGS));
    let call = &c.mcp[0].tools[0].call;
    assert!(call.target.is_none());
    assert_eq!(call.inputs.len(), 1);
    assert_eq!(call.steps.len(), 3);
    match &call.steps[0].kind {
        naftiko_codegen::ir::StepKind::Call(t) => assert_eq!(t.args[0], Arg::Input(0)),
        other => panic!("{other:?}"),
    }
    match &call.steps[1].kind {
        naftiko_codegen::ir::StepKind::Call(t) => {
            assert_eq!(t.args[0], Arg::Const(serde_json::json!("people")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        call.steps[2].kind,
        naftiko_codegen::ir::StepKind::Lookup {
            index: "list-people".into(),
            field: "id".into(),
            value: "/list-items/ownerIds".into(),
            keep: vec!["fullName".into()],
        }
    );
    let ShapeKind::Object { properties, .. } = &call.output.kind else {
        panic!("{:?}", call.output)
    };
    assert_eq!(
        properties[0].1.kind,
        ShapeKind::Select(Path {
            text: "$['list-items']['title']".into(),
            singular: true
        })
    );
    assert_eq!(properties[0].1.ty, Some(Type::String));
    let ShapeKind::Array { from, items } = &properties[1].1.kind else {
        panic!("{:?}", properties[1])
    };
    assert_eq!(from.as_ref().map(|p| p.text.as_str()), Some("$['owners']"));
    assert!(matches!(
        items.as_deref().map(|s| &s.kind),
        Some(ShapeKind::Object { .. })
    ));
}

#[test]
fn an_input_feeding_a_required_parameter_of_any_step_is_required() {
    // `org` is optional as declared; the second step's required path parameter makes it required
    // (as a plain `call` does), not only the first step's use of the inputs.
    let steps = "      - name: list-people
        type: call
        call: api.list
        with:
          orgId: people
      - name: list-items
        type: call
        call: api.list
        with:
          orgId: '{{org}}'";
    let mappings = "      - targetName: name
        value: $.list-items.title
      - targetName: owners
        value: $.list-people";
    let src = orchestrated(steps, mappings).replace(
        "        required: true\n        description: The organisation.",
        "        description: The organisation.",
    );
    assert!(!src.contains("required: true\n        description: The organisation."));
    let c = ok(&src);
    let call = &c.mcp[0].tools[0].call;
    assert_eq!(call.inputs.len(), 1);
    assert!(call.inputs[0].required, "{:?}", call.inputs[0]);
}

#[test]
fn a_with_value_reading_an_earlier_step_feeds_its_parameter_from_the_context() {
    let src = orchestrated(
        &STEPS.replace("orgId: people", "orgId: $.list-items.owner.org"),
        MAPPINGS,
    );
    let c = ok(&src);
    match &c.mcp[0].tools[0].call.steps[1].kind {
        naftiko_codegen::ir::StepKind::Call(t) => {
            assert_eq!(t.args[0], Arg::Context("/list-items/owner/org".into()));
        }
        other => panic!("{other:?}"),
    }
    // Reading the step itself, or a later one, is an error.
    let own = orchestrated(
        &STEPS.replace("orgId: people", "orgId: $.list-people.org"),
        MAPPINGS,
    );
    located(
        &errors(&own),
        &own,
        "step `list-people` reads its own answer",
        "steps:",
        "orgId: $.list-people",
    );
}

#[test]
fn dot_notation_targets_fill_nested_outputs() {
    let src = orchestrated(STEPS, MAPPINGS)
        .replace("targetName: name\n", "targetName: info.name\n")
        .replace(
            "      - name: name\n        type: string\n",
            "      - name: info\n        type: object\n        properties:\n          name:\n            type: string\n",
        );
    let c = ok(&src);
    let ShapeKind::Object { properties, .. } = &c.mcp[0].tools[0].call.output.kind else {
        panic!()
    };
    assert_eq!(properties[0].0, "info");
    let ShapeKind::Object { from, properties } = &properties[0].1.kind else {
        panic!("{:?}", properties[0])
    };
    assert!(from.is_none());
    assert_eq!(properties[0].0, "name");
}

#[test]
fn a_step_reading_a_later_step_is_a_located_error() {
    // The lookup first, reading steps that run after it.
    let steps = "      - name: owners
        type: lookup
        index: list-people
        match: id
        lookupValue: $.list-items.ownerIds
        outputParameters:
        - fullName
      - name: list-items
        type: call
        call: api.list
        with:
          orgId: '{{org}}'
      - name: list-people
        type: call
        call: api.list
        with:
          orgId: people";
    let src = orchestrated(steps, MAPPINGS);
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "step `owners` reads step `list-people`, which runs after it",
        "steps:",
        "index: list-people",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("move the step"))
    );
    located(
        &d,
        &src,
        "step `owners` reads step `list-items`, which runs after it",
        "steps:",
        "lookupValue:",
    );
}

#[test]
fn a_step_reading_an_unknown_step_suggests_the_nearest() {
    let src = orchestrated(
        &STEPS.replace("index: list-people", "index: list-peple"),
        MAPPINGS,
    );
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "step `owners` reads unknown step `list-peple`",
        "steps:",
        "index: list-peple",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `list-people`?")),
        "{e:#?}"
    );
}

#[test]
fn a_mapping_reading_an_unknown_step_suggests_the_nearest() {
    let src = orchestrated(STEPS, &MAPPINGS.replace("$.owners", "$.ownrs"));
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "mapping `owners` reads unknown step `ownrs`",
        "mappings:",
        "value: $.ownrs",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `owners`?"))
    );
}

#[test]
fn a_mapping_to_an_unknown_output_suggests_the_nearest() {
    let src = orchestrated(
        STEPS,
        &format!("{MAPPINGS}\n      - targetName: nme\n        value: $.list-items.name"),
    );
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "mapping targets `nme`, which is not an output of `items-with-owners`",
        "mappings:",
        "targetName: nme",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `name`?"))
    );
}

#[test]
fn an_output_nothing_maps_is_a_located_error() {
    let src = orchestrated(
        STEPS,
        "      - targetName: name\n        value: $.list-items.title",
    );
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "nothing maps output `owners`",
        "outputParameters:",
        "- name: owners",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("targetName: owners"))
    );
}

#[test]
fn orchestration_mistakes_are_located() {
    // A duplicate step name; `with` feeding a parameter the operation does not have from a
    // step's answer; a mapping that is no `$.<step>.<path>`; `mappings` without `steps`.
    let dup = orchestrated(
        &STEPS.replace("name: list-people", "name: list-items"),
        MAPPINGS,
    );
    located(
        &errors(&dup),
        &dup,
        "duplicate step `list-items`",
        "orgId: '{{org}}'",
        "name: list-items",
    );
    let reads = orchestrated(
        &STEPS.replace(
            "orgId: people",
            "orgId: people\n          orgid: $.list-items.orgId",
        ),
        MAPPINGS,
    );
    let d = errors(&reads);
    let e = located(
        &d,
        &reads,
        "`api.list` has no parameter `orgid`",
        "steps:",
        "orgid: $.list-items",
    );
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `orgId`?"))
    );
    let bad = orchestrated(STEPS, &MAPPINGS.replace("$.owners", "owners"));
    located(
        &errors(&bad),
        &bad,
        "must name a step and a path",
        "mappings:",
        "value: owners",
    );
    let tool = "    - name: no-steps
      description: Mappings alone.
      mappings:
      - targetName: a
        value: $.x.a";
    let src = spec(ITEM, &mcp(tool));
    located(
        &errors(&src),
        &src,
        "has `mappings` but no `steps`",
        "tools:",
        "- targetName: a",
    );
}

#[test]
fn step_names_outside_the_pattern_are_warned() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/specs/steps.yaml");
    let src = std::fs::read_to_string(path).expect("tests/specs/steps.yaml");
    assert!(warnings(&src).is_empty(), "the fixture is clean");
    let renamed = src.replace("list-crew", "list+crew");
    let w = warnings(&renamed);
    assert!(has(&w, "(naftiko-steps-name-pattern)"), "{w:?}");
    let first = w
        .iter()
        .find(|d| d.message.contains("list+crew"))
        .expect("named");
    assert_eq!(
        first.span.start.line,
        line_of(&renamed, "        - name: list+crew")
    );
}

#[test]
fn an_input_pattern_is_a_regular_expression_on_a_string_input() {
    let tool = |pattern: &str, ty: &str| {
        format!(
            "    - name: list-items
      description: List items.
      call: api.list
      inputParameters:
      - name: orgId
        type: {ty}
        pattern: '{pattern}'"
        )
    };
    let c = ok(&spec(ITEM, &mcp(&tool("^[a-z0-9-]+$", "string"))));
    assert_eq!(
        c.mcp[0].tools[0].call.inputs[0].pattern.as_deref(),
        Some("^[a-z0-9-]+$")
    );
    let src = spec(ITEM, &mcp(&tool("^(a", "string")));
    let d = errors(&src);
    let e = find(&d, "`pattern` is not a valid regular expression");
    assert_eq!(e.span.start.line, line_of(&src, "pattern:"));
    // Look-around is ECMA-262, not Rust's `regex`: refused, never ignored.
    let src = spec(ITEM, &mcp(&tool("^(?=a)", "string")));
    let d = errors(&src);
    assert!(
        find(&d, "`pattern` is not a valid regular expression")
            .help
            .is_some()
    );
    let src = spec(ITEM, &mcp(&tool("^[0-9]+$", "integer")));
    let d = errors(&src);
    find(
        &d,
        "`pattern` checks text: it applies to a `string` input, not a `integer` one",
    );
    // On a consumed parameter it has no meaning.
    let consumed = ITEM.replacen(
        "          type: string\n          required: true\n",
        "          type: string\n          required: true\n          pattern: '^x$'\n",
        1,
    );
    let src = spec(&consumed, &mcp(&tool("^x$", "string")));
    let d = errors(&src);
    find(&d, "`pattern` on a consumed parameter has no meaning");
}

/// `ITEM` with `outputParameters` on `api.list`, inserted before `create`.
fn item_with_outputs(outputs: &str) -> String {
    ITEM.replacen(
        "      - name: create\n",
        &format!("        outputParameters:\n{outputs}\n      - name: create\n"),
        1,
    )
}

#[test]
fn a_type_mismatch_between_a_steps_declared_answer_and_its_use_is_located() {
    let items = item_with_outputs(
        "        - name: title
          type: integer
          mapping: $.title
        - name: count
          type: integer
          mapping: $.meta.count
        - name: ownerIds
          type: array
          mapping: $.ownerIds",
    );
    let with_outputs =
        |steps: &str, mappings: &str| orchestrated(steps, mappings).replacen(ITEM, &items, 1);
    // As declared, the uses fit: accepted.
    ok(&with_outputs(
        STEPS,
        &MAPPINGS
            .replace("$.list-items.title", "$.list-items.ownerIds")
            .replace("targetName: name", "targetName: owners2"),
    )
    .replace(
        "      - name: name\n        type: string\n",
        "      - name: owners2\n        type: array\n",
    ));

    // A mapping whose source is declared an integer, into a string output.
    let src = with_outputs(STEPS, MAPPINGS);
    let d = errors(&src);
    let e = located(
        &d,
        &src,
        "mapping `name` reads an integer, but output `name` is declared a string",
        "mappings:",
        "value: $.list-items.title",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("`api.list` (step `list-items`) declares `$.title` as an integer")
    );

    // An integer from an earlier answer fed to a string parameter.
    let steps = STEPS.replace("orgId: people", "orgId: $.list-items.meta.count");
    let src = with_outputs(&steps, &MAPPINGS.replace("$.list-items.title", "$.owners"));
    let d = errors(&src);
    located(
        &d,
        &src,
        "`$.list-items.meta.count` is an integer, but parameter `orgId` of `api.list` takes a string",
        "steps:",
        "orgId: $.list-items.meta.count",
    );

    // A lookup over an answer declared an object.
    let whole = item_with_outputs("        - type: object\n          mapping: $.");
    let src = orchestrated(STEPS, &MAPPINGS.replace("$.list-items.title", "$.owners"))
        .replacen(ITEM, &whole, 1);
    let d = errors(&src);
    located(
        &d,
        &src,
        "lookup step `owners` searches the entries of `list-people`, which is an object, not an array",
        "steps:",
        "index: list-people",
    );
}
