//! Turns a Naftiko capability spec (`naftiko: 1.0.0-alpha2`) into Rust: a typed client per
//! consumed API, axum routes per `rest` adapter and MCP tools per `mcp` adapter.
//!
//! The pipeline, one module per stage:
//! [`yaml`] (a YAML tree with spans) → [`spec`] (the spec as written, shape-checked) →
//! [`resolve`] (semantic checks) → [`ir`] (the resolved model) → [`emit`] (Rust code).
//! Every stage reports into one [`diag::Ctxt`] instead of stopping at the first mistake, so one
//! build shows every mistake, each at its file, line and column with the token underlined.
//!
//! Three fronts serve the same generator: the `naftiko_capability!` macro (`naftiko-macros`),
//! a build script ([`generate_to_file`]) and the `naftiko-codegen` CLI (`check`, `expand`,
//! `openapi`).
//!
//! This page is the single statement of the dialect below; `tests/dialect.rs` has a test per
//! rule.
//!
//! # How specs are read (the dialect)
//! Published specs break the official alpha2 schema in consistent ways; we accept the published
//! dialect and give each construct one meaning:
//! - `naftiko` must be `1.0.0-alpha2` or `1.0.0-alpha3`; `info.label` or `info.title` names it.
//! - A document of the successor format, `ikanos: 1.0.0-beta5`, has the same meaning: its tree
//!   is rewritten into the alpha shape ([`spec::beta`]) and read by the same reader, so both
//!   generations resolve to one model (each tutorial step and its beta twin generate the same
//!   code). Keyed maps are read as named lists (the key is the name), `display` as `label`,
//!   aggregate `flows` as `functions`, a step mapping's `target` as `targetName`, an import's
//!   `from` as `location`; `info.version` and `tags` are metadata, like `info.tags`. A
//!   half-migrated file is told what to write: a `name:` inside a keyed entry, `label`,
//!   `functions`, `targetName` or an import's `location` in a beta file, a list where beta wants
//!   a map; `display`, `flows`, `target`, `from` or a keyed map in an alpha file. An MCP
//!   adapter's `ttlMs` and `cacheScope` (beta only) are the freshness hints (SEP-2549) of its
//!   cacheable results: `tools/list`, `resources/list`, `resources/templates/list`,
//!   `prompts/list` and `resources/read`, sent on every protocol revision (absent, rmcp gives
//!   revisions that require them `0`/`private`). Binary content: a consumed operation read
//!   with `outputRawFormat: binary` keeps its bytes (`outputMediaType` names their media type
//!   instead of the upstream's `Content-Type`); a REST operation with `responseBinary` or a
//!   `responses` entry whose content is `binary: true` answers those bytes as they came, under
//!   the declared status and media type (its `call` must be that operation, without
//!   `outputParameters`); an MCP resource with `binary: true` is a base64 blob; a tool gets
//!   the JSON form `{"mimeType", "data"}`. `maxBinarySize` (`512KiB`, `10MiB`: the consumed
//!   operation's, else the adapter's, else 10 MiB) bounds each answer: larger is `502` / an
//!   error, never cut short. `responses` also documents the operation in `/openapi.json`.
//!   Each of these keys in an alpha file is an error naming it beta-only. Not supported yet,
//!   each a located error naming why: `consumes.tunnel` (OpenZiti), `outputMediaType` on a
//!   flow, imports of exposes, aggregates and binds, `mappings` on a consumed operation. The
//!   lint rules speak with their `ikanos-*` names in a beta file.
//! - `binds[].keys` maps a variable to the environment variable it is read from at start-up.
//!   `{{VAR}}`, `{{ns.VAR}}` and, in `with`, a bare `ns.VAR` (where `ns` is a bind namespace)
//!   name a bind; anything unresolvable is an error. `${X}`, and `{X}` where `X` is a bind,
//!   are not template forms: an error suggests `{{X}}`.
//! - A bind with `location: file:///./secrets.yaml` (relative to the spec's directory; also
//!   `file://./x`) or `file:///etc/app/secrets.json` (absolute) reads each variable from that
//!   key of a JSON (`.json`) or YAML file when the client or adapter that needs it is built.
//!   Only the absolute path is generated, never a value, and the file is not part of the build.
//!   A relative file that exists at compile time has its keys checked (a missing key is an
//!   error at the key); one that does not is a warning (the deployment may supply it). At
//!   start-up a missing file, a file that does not parse, a missing, empty or non-text value
//!   is a `ConfigError` naming the file and the key. A value given in code comes first: the
//!   builder's `var("VAR", ..)`, then its `env_source` function if one is given (asked for
//!   `VAR`), then the file; the process environment is not read for a file variable. A
//!   variable cannot share its name with an environment variable another bind reads. Other
//!   schemes (`vault://`, ...) are not supported yet.
//! - Imported consumes: `- import: ns, location: ./shared/x.yaml` (optional `as: alias`,
//!   `description`) in `capability.consumes` takes the API `ns` from the root `consumes` of
//!   that file (a document with `naftiko:` and `consumes:` at its root; `info` and `capability`
//!   there are ignored, `binds` there are not supported yet: declare them in the importing
//!   spec), named `alias` or `ns`. `capability.imports: [shared/x.yaml]` (or
//!   `[{location: ...}]`) takes every API of each file. A location is a path or a `file://`
//!   URI, relative to the file that writes it; an entry of the imported file may import
//!   further. Everything is read at compile time and tracked by the build (the macro includes
//!   each file, the build-script front prints `rerun-if-changed` for each). A missing file, a
//!   cycle, a namespace the file does not declare, and a namespace imported twice or also
//!   declared locally are located errors; diagnostics inside an imported file name that file
//!   and point at its own line and column. The imported API's templates read the importing
//!   spec's binds.
//! - Consumed paths take `{x}` or `{{x}}` placeholders; a placeholder without an `in: path`
//!   parameter is an implicit required string parameter. Values are percent-encoded as exactly
//!   one segment at run time (empty, `.` and `..` are refused).
//! - `inputParameters` carry `name`, `in`, `type`, `description`, `required`, and optionally a
//!   `value` (a constant, a bind template, or `{{tools.x}}` / `tools.x` naming the input that
//!   feeds it; a `with` entry cannot also feed it). A parameter without `in` whose name is a
//!   placeholder of the path is a path parameter (warning); any other missing `in` is an error.
//!   One `in: body` parameter is the whole JSON body; several are the fields of one object.
//! - A REST input declared `in: cookie` is read from the request's `Cookie` header (a quoted
//!   value unquoted). An exposed input's `pattern` (on a `string` input of a REST operation or an MCP tool) is a
//!   regular expression its value must match anywhere in it, as JSON Schema's `pattern`:
//!   checked before anything is sent (`400` / invalid params naming the input and pattern) and
//!   advertised in `/openapi.json` and the tool's `inputSchema`. The syntax is Rust's `regex`
//!   (ECMA-262 without look-around or back-references): a pattern it cannot compile is a
//!   compile error, never skipped. A declared MCP tool input is required unless it says
//!   `required: false` (the schema's default).
//! - A consumed operation's `body:` builds the request body from text and `{{x}}` variables,
//!   each an `in: body` parameter (declared, or an implicit string fed by the exposed input `x`):
//!   `json` (an object, array or string; the default); `text`, `xml`, `sparql` (a string sent
//!   as `text/plain`, `application/xml`, `application/sparql-query`; inserted values are
//!   XML-escaped in `xml`, escaped as a string literal's content in `sparql`);
//!   `formUrlEncoded` (an object of string fields, or a pre-encoded string whose inserted values
//!   are form-encoded); `multipartForm` (parts with `name`, `value`, optional `filename` and
//!   `contentType`; a fresh boundary per request); a raw string (sent as `application/json` with
//!   inserted values JSON-escaped, or as written when an `in: header` `Content-Type` parameter
//!   types it; in a JSON raw body a placeholder outside a string literal, `"ids": {{ids}}`,
//!   is a JSON value of any type, `null` when absent); and the published `form`, `multipart` (a mapping of fields), `yaml` (the data
//!   as JSON text, which is YAML), `application/cbor` (RFC 8949) and `binary` (a string, sent
//!   as `application/octet-stream`). A variable of a text body is required; in a structured
//!   body or a part, an absent optional one leaves its field or part out. A bind (`{{VAR}}`,
//!   `{{env.VAR}}`) in a body is read from the environment when the client is built, like
//!   credentials. An unknown `type` or misshapen `data` is an error. A declared `in: body`
//!   parameter that an object template does not name is an extra field of it (warning); one
//!   that a text template does not use is an error.
//! - `outputRawFormat` says what the upstream answers: `json` (default), `xml`, `yaml`, `csv`,
//!   `tsv`, `psv`, `html` (tables, scoped by the CSS selector in `outputSchema`), `markdown`
//!   (front matter, tables, and sections filtered by the heading prefix in `outputSchema`),
//!   `text` (one string) or `binary` (`{"mimeType", "data"}` in base64). The client converts the
//!   answer to JSON before any output mapping (the shapes are documented in
//!   `naftiko_runtime::convert`); a body that does not parse is a 502 / `isError` naming the
//!   format. `avro` and `protobuf` need a schema compiler: not supported yet.
//! - In `with`, `rest.X`, `tools.X`, `<adapter-namespace>.X` and `{{X}}` reference the exposed
//!   input `X`, whatever characters `X` has (`rest.$filter`, `tools.X-Request-Id`); other values
//!   are constants. A value with one of those prefixes is never sent as text: a reference to
//!   nothing is an error. In a list or mapping given to an array or object parameter, each
//!   leaf that is a reference is filled with its input (a required string unless declared);
//!   text around a reference is not supported yet. A bind (`{{VAR}}`, `ns.VAR`, or text with
//!   binds in it) feeds a string parameter, read when the client is built. Inputs are
//!   declared (`inputParameters`) or inferred from the references, typed from the consumed
//!   parameter each feeds; a REST reference that matches a path variable ASCII
//!   case-insensitively is a path input (`{orgid}` ← `rest.orgId`). A consumed parameter no
//!   `with` entry feeds passes through from a same-named declared input, required or optional;
//!   a required one nothing can feed is an error, a declared input that feeds nothing a warning.
//! - `mapping` on a declared exposed input says where it goes in the consumed request:
//!   `$.body.a.b` is a field of its JSON body (an operation that declares no body gets an
//!   optional JSON object body; an absent optional input leaves its field out), `$.path.x`,
//!   `$.query.x` and `$.header.x` feed that parameter. On a consumed parameter it is an error.
//! - Outputs (`outputParameters`) shape the upstream's raw answer, as the reference engine does
//!   (a consumed operation's own outputs type the client's `<op>_output`, not the adapters).
//!   None, or the universal `type: object, mapping: $.`, pass the answer on byte for byte. One
//!   output is the result; several are the fields of one object under their `name`s. A
//!   `mapping` is RFC 9535 JSONPath, parsed at compile time, from the context: the answer at the
//!   top, each element for an array's `items`, the node an object's own `mapping` selects. An
//!   object without `mapping` reads its `properties` from its parent's context (recursively). A
//!   singular query yields its node or `null`, any other an array (a scalar output takes its one
//!   node). `value` is text with `{{input}}` templates, typed by `type`; `const` is the one value
//!   allowed. A declared `type` is checked at run time: `null` always fits, lossless conversions
//!   are made (`"2009"` → `2009`), anything else is a 502 / `isError` naming the field. Without
//!   `call`, outputs with `value`s answer on their own (mock mode), as an object keyed by name.
//!   A declared shape is a type: a serde struct per object (`GetShipOutput`), the MCP tool's
//!   `outputSchema` (its `structuredContent` is the result, under `result` when not an object)
//!   and the response schema in `/openapi.json`.
//! - An operation-level `path:` is used as it is when it begins with its resource's path segment
//!   by segment, and appended to it otherwise (`/{id}` under `/contact` is `/contact/{id}`); a
//!   warning states the resolved path. A path without a leading `/` is relative to the base URI. Names that are not Rust identifiers (`type`, `$filter`) or that
//!   collide after case conversion (`maxResults`, `MaxResults`) get distinct readable ones.
//! - `rest` and `mcp` adapters listen on `127.0.0.1` unless `address` says otherwise; two
//!   adapters cannot share a port. MCP `transport` is `http` (default) or `stdio`; a tool's
//!   `label` is its title and its `hints` its annotations.
//! - Auth of a consumed API (its values are binds, read when the client is built): `bearer`,
//!   `basic`; `apikey` in a `header`, the `query`, a `cookie`, the base URI's `{name}`
//!   placeholder (`placement: path`, never shown in logs) or the `body` (a field of the JSON or
//!   form body, a form of its own when there is none; GET and text bodies are errors);
//!   `oauth2` client credentials (`tokenEndpoint`, `clientId`, `clientSecret`, `scopes`: the
//!   token cached, refreshed before expiry and once after a 401, one refresh for concurrent
//!   calls); `digest` (RFC 7616); `oauth1` (RFC 5849 HMAC-SHA1; `signingKey` is the consumer
//!   secret); `hmac` (Veracode's `VERACODE-HMAC-SHA-256`, `apiId`/`apiKey`); `aws-sig-v4`
//!   (`accessKeyId`, `secretKey`, `region`, `service`, optional `sessionToken`); `certificate`
//!   (mutual TLS from PEM `certPath`, optional `keyPath`; with `certPassword`, `certPath` is a
//!   PKCS#12 file (`.p12`/`.pfx`) or PEM with an encrypted PKCS#8 key, decrypted when the client
//!   is built). A secret
//!   written in the spec rather than bound, a missing key or an unknown algorithm is an error
//!   at its line.
//! - Orchestrated REST operations and MCP tools: `steps` instead of `call`, `mappings` and
//!   named, typed `outputParameters` (no `mapping`; an array's `items` may be a list of named
//!   outputs, the fields of each element). A `type: call` step calls `call` fed `with` the
//!   declared inputs (`{{imo}}`, `tools.imo`) and constants, as an exposure's `call` is; a
//!   `type: lookup` step keeps, for each value `lookupValue` (`$.<earlier step>.<path>`, one
//!   value or an array) selects, the elements of the earlier step `index`'s answer whose field
//!   `match` equals it, projected on its `outputParameters` (field names): an array. Each
//!   answer is stored under its step's name in the context `{ "<step>": <answer>, ... }`; a
//!   mapping `targetName: a.b` (dot notation nests objects), `value: $.<step>.<path>` (a plain
//!   dot path, as the reference engine reads it) fills the declared output `a.b`; an array or
//!   object output reads its items' or properties' fields by their names. The independent
//!   `call` steps (whose `with` reads only inputs and constants) run concurrently (awaited
//!   together); the other steps run after them, in order. A failing step answers as a failing `call` does (REST: the
//!   upstream's status and body; MCP: an `isError` result naming the step). A `with` value
//!   `$.<earlier step>.<path>` feeds its parameter from that answer (converted to the
//!   parameter's type; a required one missing or of another type refuses the call, as an
//!   invalid argument); such a step runs after the independent ones, in order. A step reading
//!   itself, a later or an unknown step, a duplicate step, a `with` naming no parameter, a
//!   mapping reading an unknown step or targeting no output, an output nothing maps,
//!   `mappings` without `steps`: located errors. So is a type mismatch where both sides are
//!   declared: a consumed operation's `outputParameters` declare the types of its answer's
//!   fields (`mapping: $.title`, `type: integer`), a lookup answers an array; a `$.step.path`
//!   of one type fed to a parameter of another, mapped to an output declared another, or a
//!   lookup's `index` that is not an array (an integer fits a number; anything undeclared is
//!   accepted and checked at run time).
//! - `type: script` steps (JavaScript, on QuickJS; needs naftiko-runtime's `scripts` feature,
//!   else a located error naming it): `language` and `location` default to the control
//!   adapter's `management.scripting.defaultLanguage`/`defaultLocation` (neither: an error);
//!   `file` and `dependencies` are paths under `location` (segments `[a-zA-Z0-9._-]+`). A
//!   relative location (`file:///./scripts`, from the spec's directory) is read and parsed when
//!   the spec compiles (a syntax error is located in the script file, which the build tracks)
//!   and embedded; an absolute one (`file:///app/scripts`) is read and parsed when the
//!   `Upstreams` are built, a missing file stopping the start-up with its path. The script
//!   reads the global `context`: the inputs by name, the answers of the steps written before
//!   it, then its `with` (`$.<earlier step>.<path>` values, `{{input}}` templates naming an
//!   input or earlier step, constants); its answer is what it assigns to `result` (none: the
//!   step has no answer). It runs after the independent calls, in order, off the async
//!   workers, under `timeout`, `statementLimit` and `enabled` (see `naftiko_runtime::scripts`);
//!   a failure is a 500 problem / an `isError` result naming the step. `allowedLanguages`
//!   refusing a step's language is a located error; `python` and `groovy` are not supported yet
//!   (RustPython measured too costly; Groovy needs a JVM).
//! - `capability.aggregates`: each function (`name`, `description`, `semantics`, inputs, and
//!   `call` + `with`, `steps` + `mappings`, or mock outputs) is a reusable operation; a REST
//!   operation or MCP tool with `ref: <aggregate-namespace>.<function>` runs it, merged when the
//!   spec is read: `name` and `description` inherited unless given, `inputParameters` and
//!   `outputParameters` inherited unless declared (a REST operation declares its path/query
//!   inputs), `call`/`steps`/`mappings` the function's, its `with` entries overridable by the
//!   operation's. In a function, `<aggregate-namespace>.X` in `with` references input X. MCP
//!   hints derive from `semantics` (`safe: true` → readOnly, not destructive; `safe: false` →
//!   not readOnly; `idempotent` copied; `cacheable` has no MCP hint), each explicit hint
//!   overriding. An unknown ref (with the nearest name), `ref` with `call`/`steps`/`mappings`,
//!   a duplicate function, `ref` or `hints` in a function: located errors. Hints or REST methods
//!   contradicting the semantics: warnings (`naftiko-aggregate-semantics-consistency`).
//! - `forward` on a REST resource (`targetNamespace`, `trustedHeaders`): every method on the
//!   resource's path is proxied to the consumed API; a last segment `{{path}}` takes the rest of
//!   the request path (any number of segments, as the engine's URI_PATH variable; `/p` and `/p/`
//!   included), which is appended to the base URI as the caller encoded it, the query kept. Of
//!   the caller's headers only the trusted ones pass (without case); hop-by-hop headers
//!   (`Connection` and those it names, `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`,
//!   `Upgrade`, `Proxy-*`) and `Host` never do, either way. The API's credentials and fixed
//!   headers are added and win over the caller's (a 401/403 renews
//!   per-request credentials, an OAuth 2 token or a digest challenge, for the next forward). The upstream status, headers and body come
//!   back; unreachable is a 502, no answer head within the client's timeout a 504 (problem
//!   JSON); a forward is never retried. Both bodies are streamed, never buffered: a forwarded
//!   body has no size limit of its own (the server's request timeout and connection cap bound
//!   it). `/openapi.json` lists each forwarded path for every method (a trailing `{{path}}`
//!   as a `{path}` parameter that may hold `/`), with the trusted headers as optional header
//!   parameters. An unknown target (with a suggestion), an invalid, duplicate or hop-by-hop trusted
//!   header: located errors. Not supported yet: `operations` next to `forward` on one resource
//!   (the engine tries the operations first), `{{path}}` before the end of the path, a forward
//!   to an API whose key is placed in the body. MCP adapters have no `forward` in the schema.
//! - Constructs listed in [`diag::Severity::Unsupported`] diagnostics (`script` steps,
//!   http adapters, ...) are rejected with a message saying "not supported yet".
//! - MCP `resources`: `location: file:///./x.md` (relative to the spec, or absolute) is a static
//!   resource, the file embedded at compile time (`include_bytes!`: editing it rebuilds; a
//!   missing file is an error, a directory not supported yet), its `mimeType` the spec's or
//!   the extension's (`text/plain` or `application/octet-stream` for others), served as text
//!   when it is UTF-8 and as a base64 blob otherwise. `call` (with `with` and
//!   `outputParameters`, as a tool) is a dynamic resource, `application/json` unless
//!   `mimeType` says otherwise; so is one with `steps` and `mappings`, orchestrated exactly as
//!   a tool's (a `call` next to `steps` is an error). Its `uri` may be an RFC 6570 level 1 template
//!   (`data://users/{id}`, listed by `resources/templates/list`): each variable is a required
//!   string input of the call (`{{id}}`, `resources.id` or the same-named parameter), taken
//!   percent-decoded from the URI read (one or more characters, no `/`). A static resource's
//!   URI cannot be a template; a URI needs a scheme; operators (`{+x}`) are not supported yet.
//!   Names and URIs are unique per adapter.
//! - MCP `prompts`: an inline `template` (messages with `role` `user` or `assistant`) or a
//!   `location` file (one `user` message, embedded at compile time). Every `{{arg}}`
//!   placeholder must name one of the prompt's `arguments` (an error at the placeholder, or at
//!   the `location` naming the file's line); an argument no message uses is a warning.
//!   Arguments are required unless `required: false`; an absent optional one renders as empty
//!   text. `resources` and `prompts` capabilities are advertised only when declared.
//! - `skill` adapters (`namespace`, `port`, `address`, `description`, `authentication`, `skills`)
//!   serve, as the reference engine does, `GET /skills` (the catalog), `/skills/{name}` (its
//!   Agent Skills frontmatter and tools), `/skills/{name}/contents` and
//!   `/contents/{path}` (its files) and `/skills/{name}/download` (a zip of them); see
//!   `naftiko_runtime::skill`. A skill's `name` is an Agent Skills name (1 to 64 lowercase
//!   letters, digits and single hyphens), its `description` non-empty and at most 1024
//!   characters, `compatibility` 500, `allowed-tools` 1024; `metadata` values are strings;
//!   names are unique per adapter, tool names per skill. A tool has exactly one of `from`
//!   (`sourceNamespace` a sibling `rest` or `mcp` adapter, `action` one of its named
//!   operations or tools: the detail carries their `inputSchema` and `outputSchema`; without
//!   `description` it takes its source's) and `instruction` (a relative path, without `..`,
//!   under the skill's `location`, which it then needs: the file is embedded at compile time,
//!   at most 1 MiB; a missing one is an error). `location` is a `file://` directory (relative
//!   to the spec, or absolute) read when asked, so it need not exist at compile time; a
//!   `SKILL.md` generated from the frontmatter and the tools is served when it has none.
//!   Paths never leave the directory (symbolic links included).
//! - A `control` adapter (at most one; `address`, default localhost, and `port`) generates the
//!   module `control_plane` (`ADDRESS`, `router(readiness, &metrics)`): `GET /metrics`
//!   (Prometheus: per adapter, operation and status request counts and latency histograms,
//!   in-flight gauge, for the routers the server wraps with `Metrics::layer`) and, unless
//!   `management.health: false`, `/health/live` and `/health/ready` (see
//!   `naftiko_runtime::control`). `management.scripting` gives the script steps
//!   their defaults and limits. `observability` becomes `control_plane::OBSERVABILITY`
//!   (`enabled`, `traces.sampling`, `exporters.otlp.endpoint` with its binds read at
//!   start-up): `OBSERVABILITY.provider(..)` (naftiko-runtime feature `otlp`) builds the OTLP
//!   exporter to pass to `naftiko_runtime::trace::install`; `enabled: false` or
//!   `metrics.local.enabled: false` drop `/metrics`. W3C trace context is always propagated
//!   (`naftiko_runtime::trace`). `management.logs` (`true`, or `level-control`) adds
//!   `GET`/`PUT /logs` and `/logs/{logger}` (the level of the `LogControl` the server
//!   installs; `503` when it installs none). Not supported yet: `propagation: b3`,
//!   `traces.local` (a `/traces` endpoint), `logs.stream`, `management.info`/`reload`/
//!   `validate: true`, and `authentication` on the control adapter.
//! - Inbound auth (`authentication` on a `rest`, `mcp` or `skill` adapter): `bearer`, `apikey` (header
//!   or query), `basic`, `digest` (RFC 7616) and `oauth2` (JWTs validated against the issuer's
//!   JWKS, or with `tokenValidation: introspection` asked about at its RFC 7662 endpoint with
//!   the off-schema `clientId` / `clientSecret`, as consumed `oauth2` spells them). Secrets are binds, read at
//!   start-up by the adapter's `authentication()` (a literal secret is a warning); the
//!   adapter's `router` / `server` takes the result, so a protected adapter cannot be served
//!   unprotected. On a stdio MCP adapter it is a warning and not applied
//!   (`naftiko-mcp-auth-stdio-conflict`); the ruleset's `oauth2` rules apply.
//!
//! # Errors and warnings
//! An error is a spec that cannot be given a meaning, or whose meaning would send a wrong
//! request. A warning ([`diag::Severity::Warning`]) is a spec that works but is likely not what
//! its author meant, including the rules of the Naftiko ruleset of `warn`/`info` severity
//! ([`rules`]). The CLI's `check` prints warnings and exits 0 (`--deny-warnings` makes them
//! fatal); the macro shows them as compiler warnings (deprecation notes at its call) and never
//! fails the build for them; the build-script front prints them as `cargo:warning` lines.
//!
//! Every diagnostic points at the value it is about. An error about a reference (a `call`, a
//! `with` key or value, a template, a path variable) points at the token that holds it and
//! suggests the nearest known name ("did you mean `rest.orgId`?"). Consequences of a mistake
//! already reported are not reported again. On errors the macro also emits a skeleton of the
//! items it would have generated ([`emit::skeleton`]), so the build shows the spec's errors and
//! nothing else.

pub mod convert;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod names;
pub mod resolve;
pub mod rules;
pub mod spec;
pub mod yaml;

mod generate;

pub use generate::{GenerateError, generate, generate_to_file};

use diag::{Ctxt, Diagnostic};
use std::path::{Path, PathBuf};

/// Reads and checks a spec held in memory. Files it imports are resolved against the current
/// directory.
pub fn check_str(source: &str) -> Result<ir::Capability, Vec<Diagnostic>> {
    check(source, None, "<spec>")
        .map(|c| c.capability)
        .map_err(|f| f.diagnostics)
}

/// Reads and checks a spec held in memory; with no error, the model and the warnings
/// ([`diag::Severity::Warning`]) in file order.
pub fn check_str_warnings(
    source: &str,
) -> Result<(ir::Capability, Vec<Diagnostic>), Vec<Diagnostic>> {
    check(source, None, "<spec>")
        .map(|c| (c.capability, c.warnings))
        .map_err(|f| f.diagnostics)
}

/// A checked spec: the model, its warnings, and the files it read.
struct Checked {
    capability: ir::Capability,
    warnings: Vec<Diagnostic>,
    sources: Vec<diag::SourceFile>,
    imported: Vec<PathBuf>,
}

/// A spec with mistakes: the errors, the best-effort model (for [`emit::skeleton`]) unless the
/// text is not a YAML mapping at all, and the files it read.
struct Failed {
    diagnostics: Vec<Diagnostic>,
    partial: Option<Box<ir::Capability>>,
    sources: Vec<diag::SourceFile>,
    imported: Vec<PathBuf>,
}

/// Reads and checks a spec (at `path`, if it is a file: what its imports are relative to),
/// named `name` in diagnostics.
fn check(source: &str, path: Option<&Path>, name: &str) -> Result<Checked, Failed> {
    let mut loader = spec::Loader::new(path, name, source);
    let root = yaml::parse(source).map_err(|diagnostics| Failed {
        diagnostics,
        partial: None,
        sources: loader.sources(),
        imported: Vec::new(),
    })?;
    let mut cx = Ctxt::new();
    // An Ikanos beta5 document is read as the alpha document it says the same as.
    let beta = spec::beta::is_beta(&root);
    if beta {
        spec::beta::rules(&root, &mut cx);
    }
    let root = spec::beta::to_alpha(&root, &mut cx).unwrap_or(root);
    rules::check_as(&root, beta, &mut cx);
    cx.set_beta(beta);
    let spec = spec::read_with(&root, &mut loader, &mut cx);
    let capability = spec.map(|spec| resolve::resolve(&spec, &mut cx));
    if beta {
        // The reader names keys with their alpha spelling: a beta file is told its own.
        for mut diag in cx.take_all() {
            diag.message = spec::beta::beta_spelling(&diag.message);
            cx.push(diag);
        }
    }
    let (sources, imported) = (loader.sources(), loader.imported_paths());
    match (cx.check(), capability) {
        (Ok(warnings), Some(capability)) => Ok(Checked {
            capability,
            warnings,
            sources,
            imported,
        }),
        (Ok(_), None) => Err(Failed {
            diagnostics: Vec::new(),
            partial: None,
            sources,
            imported,
        }),
        (Err(diagnostics), capability) => Err(Failed {
            diagnostics,
            partial: capability.map(Box::new),
            sources,
            imported,
        }),
    }
}

/// A spec that failed to load: the file could not be read, or it has mistakes.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read spec `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{display_path}: {} error{}", diagnostics.len(), if diagnostics.len() == 1 { "" } else { "s" })]
    Invalid {
        display_path: String,
        diagnostics: Vec<Diagnostic>,
        /// The best-effort model of what could be read, for [`emit::skeleton`].
        partial: Option<Box<ir::Capability>>,
        /// The spec and every file it imports (name and text, for rendering the lines
        /// diagnostics point at), by the number diagnostics' spans carry.
        sources: Vec<diag::SourceFile>,
        /// The imported files that were found: the build depends on them too.
        imported: Box<[PathBuf]>,
    },
}

impl LoadError {
    /// Every error rendered like rustc: message, `--> file:line:col`, the source line, the
    /// token underlined.
    pub fn rendered(&self) -> Vec<String> {
        match self {
            LoadError::Io { .. } => vec![self.to_string()],
            LoadError::Invalid {
                diagnostics,
                sources,
                ..
            } => diagnostics.iter().map(|d| d.render_in(sources)).collect(),
        }
    }

    /// The imported files that were found: the build must depend on them even when the spec
    /// has mistakes, so that fixing one rebuilds.
    pub fn imported(&self) -> &[PathBuf] {
        match self {
            LoadError::Invalid { imported, .. } => imported,
            LoadError::Io { .. } => &[],
        }
    }

    /// The skeleton of what the spec would have generated (see [`emit::skeleton`]): emitted
    /// next to the errors so that code using the generated items reports nothing else.
    pub fn skeleton(&self) -> proc_macro2::TokenStream {
        match self {
            LoadError::Invalid {
                partial: Some(capability),
                ..
            } => emit::skeleton(capability),
            _ => proc_macro2::TokenStream::new(),
        }
    }
}

/// Reads and checks a spec file. `display_path` is how errors name the file.
pub fn load(path: &Path, display_path: &str) -> Result<ir::Capability, LoadError> {
    load_with_warnings(path, display_path).map(|(capability, _)| capability)
}

/// [`load`], with the spec's warnings rendered like its errors would be (without a
/// `warning:` prefix).
pub fn load_with_warnings(
    path: &Path,
    display_path: &str,
) -> Result<(ir::Capability, Vec<String>), LoadError> {
    load_tracked(path, display_path).map(|l| (l.capability, l.warnings))
}

/// A spec loaded by [`load_tracked`].
#[derive(Debug)]
pub struct Loaded {
    pub capability: ir::Capability,
    /// Its warnings, rendered (without a `warning:` prefix).
    pub warnings: Vec<String>,
    /// The files it imports (absolute): a build must depend on them as on the spec.
    pub imported: Vec<PathBuf>,
}

/// [`load_with_warnings`], with the files the spec imports. Imports (`import`/`location` in
/// `consumes`, `capability.imports`) and bind files are resolved against the directory of
/// `path`; diagnostics about an imported file name it relative to `display_path`'s directory.
pub fn load_tracked(path: &Path, display_path: &str) -> Result<Loaded, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    match check(&text, Some(path), display_path) {
        Ok(c) => Ok(Loaded {
            capability: c.capability,
            warnings: c.warnings.iter().map(|w| w.render_in(&c.sources)).collect(),
            imported: c.imported,
        }),
        Err(f) => Err(LoadError::Invalid {
            display_path: display_path.to_string(),
            diagnostics: f.diagnostics,
            partial: f.partial,
            sources: f.sources,
            imported: f.imported.into_boxed_slice(),
        }),
    }
}

/// What `naftiko_capability!` expands to for a loaded spec: its code, and an `include_bytes!`
/// of the spec (at `spec_path`) and of every file it imports, so that editing any of them
/// rebuilds. Bind files are not included: their values are secrets.
pub fn expand_tracked(loaded: &Loaded, spec_path: &Path) -> proc_macro2::TokenStream {
    let mut out = emit::capability(&loaded.capability, Some(spec_path));
    out.extend(emit::includes(&loaded.imported));
    out
}

/// Generated code for a checked capability, pretty-printed (what `naftiko-codegen expand` prints).
pub fn expand_pretty(capability: &ir::Capability, spec_path: Option<&Path>) -> String {
    let tokens = emit::capability(capability, spec_path);
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}
