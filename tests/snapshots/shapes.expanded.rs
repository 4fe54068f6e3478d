/// Typed client of `registry` (http://127.0.0.1:9/api).
///
/// A ship registry (a recording upstream in the tests)
pub mod registry {
    /// The consumed API as the spec declares it.
    pub static SPEC: ::naftiko_runtime::client::ApiSpec = ::naftiko_runtime::client::ApiSpec {
        namespace: "registry",
        base_uri: &[::naftiko_runtime::client::Part::Lit("http://127.0.0.1:9/api")],
        auth: ::naftiko_runtime::client::AuthSpec::None,
        fixed: &[],
    };
    /// Builder of [`Client`]: base URI, timeouts, retries, a shared `reqwest::Client`.
    pub type Builder = ::naftiko_runtime::client::Builder<Client>;
    /// Why a call failed: upstream status, transport, timeout, undecodable body, bad argument.
    pub type Error = ::naftiko_runtime::client::Error;
    /// A successful answer: status and JSON body.
    pub type Reply = ::naftiko_runtime::client::Reply;
    /// Client of `registry`. Cheap to clone: clones share one connection pool.
    #[derive(Clone, Debug)]
    pub struct Client(::naftiko_runtime::client::HttpClient);
    impl ::naftiko_runtime::client::Api for Client {
        const SPEC: &'static ::naftiko_runtime::client::ApiSpec = &SPEC;
        fn from_http(http: ::naftiko_runtime::client::HttpClient) -> Self {
            Client(http)
        }
    }
    impl Client {
        /// Starts building a client; credentials are read when it is built.
        pub fn builder() -> Builder {
            Builder::default()
        }
        /// A client with the spec's defaults.
        pub fn from_env() -> ::core::result::Result<
            Self,
            ::naftiko_runtime::client::ConfigError,
        > {
            Self::builder().build()
        }
        /// The shared HTTP state (base URI, pool).
        pub fn http(&self) -> &::naftiko_runtime::client::HttpClient {
            &self.0
        }
        /// Calls `list-ships`.
        ///
        /// `GET /ships` (retried on transient failures)
        ///
        /// - `params`: optional parameters, see [`ListShipsParams`]
        pub async fn list_ships(
            &self,
            params: &ListShipsParams,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(::naftiko_runtime::reqwest::Method::GET, "list-ships", true);
            req.path("/ships");
            if let ::core::option::Option::Some(v) = &params.status {
                req.query("status", v);
            }
            req.send().await
        }
        /// Calls `get-ship`.
        ///
        /// `GET /ships/{{imo}}` (retried on transient failures)
        ///
        /// - `imo`: `imo` (path)
        pub async fn get_ship(&self, imo: &str) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(::naftiko_runtime::reqwest::Method::GET, "get-ship", true);
            req.path("/ships/");
            req.segment("imo", imo)?;
            req.send().await
        }
        /// [`Client::get_ship`], its answer shaped and typed as the spec's `outputParameters` declare (an answer that does not fit is [`Error::Decode`], naming where).
        pub async fn get_ship_output(
            &self,
            imo: &str,
        ) -> ::core::result::Result<GetShipOutput, Error> {
            static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
                ::naftiko_runtime::shape::Node {
                    ty: ::core::option::Option::Some(
                        ::naftiko_runtime::mcp::JsonType::Object,
                    ),
                    konst: ::core::option::Option::None,
                    kind: ::naftiko_runtime::shape::Kind::Object {
                        from: ::core::option::Option::None,
                        properties: &[
                            (
                                "imo",
                                ::naftiko_runtime::shape::Node {
                                    ty: ::core::option::Option::Some(
                                        ::naftiko_runtime::mcp::JsonType::String,
                                    ),
                                    konst: ::core::option::Option::None,
                                    kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                        path: 0usize,
                                        singular: true,
                                    }),
                                },
                            ),
                            (
                                "tonnage",
                                ::naftiko_runtime::shape::Node {
                                    ty: ::core::option::Option::Some(
                                        ::naftiko_runtime::mcp::JsonType::Number,
                                    ),
                                    konst: ::core::option::Option::None,
                                    kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                        path: 1usize,
                                        singular: true,
                                    }),
                                },
                            ),
                        ],
                    },
                },
                &["$.imo_number", "$.gross_tonnage"],
            );
            self.get_ship(imo).await?.output(&OUTPUT)
        }
    }
    /// Optional parameters of [`Client::list_ships`].
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ListShipsParams {
        /// `status` (query).
        pub status: ::core::option::Option<::std::string::String>,
    }
    /// The answer of [`Client::get_ship`] as declared by the operation's `outputParameters`.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct GetShipOutput {
        pub imo: ::core::option::Option<::std::string::String>,
        pub tonnage: ::core::option::Option<f64>,
    }
}
/// One client per consumed API: what the adapters call.
#[derive(Clone, Debug)]
pub struct Upstreams {
    /// Client of `registry`.
    pub registry: registry::Client,
}
impl Upstreams {
    /// Every client with the spec's defaults and credentials from the environment.
    pub fn from_env() -> ::core::result::Result<
        Self,
        ::naftiko_runtime::client::ConfigError,
    > {
        ::core::result::Result::Ok(Upstreams {
            registry: registry::Client::from_env()?,
        })
    }
    /// Every client with the spec's defaults, reading bound variables from `env`
    /// instead of the process environment (a secrets store, a test).
    pub fn from_env_source(
        env: impl Fn(
            &str,
        ) -> ::core::option::Option<
                ::std::string::String,
            > + ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static,
    ) -> ::core::result::Result<Self, ::naftiko_runtime::client::ConfigError> {
        ::core::result::Result::Ok(Upstreams {
            registry: registry::Client::builder().env_source(env.clone()).build()?,
        })
    }
}
/// REST adapter `shapes-rest` (default address 127.0.0.1:8081).
pub mod shapes_rest {
    /// The address the spec gives this adapter.
    pub const ADDRESS: &str = "127.0.0.1:8081";
    /// The OpenAPI 3.1 document of this adapter, generated from the spec.
    pub const OPENAPI: &str = "{\"components\":{\"schemas\":{\"Problem\":{\"description\":\"An error of the gateway itself (RFC 9457)\",\"properties\":{\"detail\":{\"type\":\"string\"},\"status\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}},\"required\":[\"type\",\"title\",\"status\",\"detail\"],\"type\":\"object\"},\"UpstreamError\":{\"description\":\"The upstream's error body, unchanged (m3ter sends `{\\\"message\\\": ...}`)\"}}},\"info\":{\"description\":\"Every output shape, on REST and MCP (tests/tests/shapes.rs).\",\"title\":\"Shapes\",\"version\":\"1.0.0\"},\"openapi\":\"3.1.0\",\"paths\":{\"/hello/{name}\":{\"get\":{\"description\":\"Answers from the spec alone (mock mode): no upstream call.\",\"operationId\":\"hello\",\"parameters\":[{\"in\":\"path\",\"name\":\"name\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"in\":\"query\",\"name\":\"times\",\"required\":false,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{\"properties\":{\"greeting\":{\"type\":\"string\"},\"times\":{\"type\":[\"integer\",\"null\"]}},\"required\":[\"greeting\",\"times\"],\"type\":\"object\"}}},\"description\":\"Built from the spec's values (mock mode)\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Mock mode, no upstream\"}},\"/ships\":{\"get\":{\"description\":\"Calls `GET /ships` of `registry`.\",\"operationId\":\"list-ships\",\"parameters\":[{\"in\":\"query\",\"name\":\"status\",\"required\":false,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{\"items\":{\"properties\":{\"imo\":{\"description\":\"IMO number\",\"type\":[\"string\",\"null\"]},\"name\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"imo\",\"name\"],\"type\":\"object\"},\"type\":[\"array\",\"null\"]}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Ships as an array of shaped objects\"}},\"/ships/{imo}\":{\"get\":{\"description\":\"Calls `GET /ships/{{imo}}` of `registry`.\",\"operationId\":\"get-ship\",\"parameters\":[{\"in\":\"path\",\"name\":\"imo\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{\"properties\":{\"imo\":{\"type\":[\"string\",\"null\"]},\"kind\":{\"enum\":[\"ship\"],\"type\":\"string\"},\"specs\":{\"properties\":{\"length\":{\"type\":[\"number\",\"null\"]},\"tonnage\":{\"type\":[\"number\",\"null\"]}},\"required\":[\"tonnage\",\"length\"],\"type\":\"object\"}},\"required\":[\"imo\",\"kind\",\"specs\"],\"type\":\"object\"}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"One ship, nested\"}},\"/ships/{imo}/summary\":{\"get\":{\"description\":\"Calls `GET /ships/{{imo}}` of `registry`.\",\"operationId\":\"ship-summary\",\"parameters\":[{\"in\":\"path\",\"name\":\"imo\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{\"properties\":{\"builtIn\":{\"type\":[\"integer\",\"null\"]},\"name\":{\"type\":[\"string\",\"null\"]},\"ports\":{\"items\":{},\"type\":\"array\"}},\"required\":[\"name\",\"builtIn\",\"ports\"],\"type\":\"object\"}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Several named outputs\"}}}}";
    /// The adapter's routes, plus `GET /openapi.json` and `GET /healthz`.
    pub fn router(upstreams: super::Upstreams) -> ::naftiko_runtime::axum::Router {
        let routes = ::naftiko_runtime::axum::Router::new()
            .route("/ships", ::naftiko_runtime::axum::routing::get(list_ships))
            .route("/ships/{imo}", ::naftiko_runtime::axum::routing::get(get_ship))
            .route(
                "/ships/{imo}/summary",
                ::naftiko_runtime::axum::routing::get(ship_summary),
            )
            .route("/hello/{name}", ::naftiko_runtime::axum::routing::get(hello));
        ::naftiko_runtime::rest::finish(routes, OPENAPI).with_state(upstreams)
    }
    /// `GET /ships`: Ships as an array of shaped objects
    async fn list_ships(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let status: ::core::option::Option<::std::string::String> = input
            .query("status")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
            ::naftiko_runtime::shape::Node {
                ty: ::core::option::Option::Some(
                    ::naftiko_runtime::mcp::JsonType::Array,
                ),
                konst: ::core::option::Option::None,
                kind: ::naftiko_runtime::shape::Kind::Array {
                    from: ::core::option::Option::Some(::naftiko_runtime::shape::Query {
                        path: 0usize,
                        singular: true,
                    }),
                    items: ::core::option::Option::Some(
                        &::naftiko_runtime::shape::Node {
                            ty: ::core::option::Option::Some(
                                ::naftiko_runtime::mcp::JsonType::Object,
                            ),
                            konst: ::core::option::Option::None,
                            kind: ::naftiko_runtime::shape::Kind::Object {
                                from: ::core::option::Option::None,
                                properties: &[
                                    (
                                        "imo",
                                        ::naftiko_runtime::shape::Node {
                                            ty: ::core::option::Option::Some(
                                                ::naftiko_runtime::mcp::JsonType::String,
                                            ),
                                            konst: ::core::option::Option::None,
                                            kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                path: 1usize,
                                                singular: true,
                                            }),
                                        },
                                    ),
                                    (
                                        "name",
                                        ::naftiko_runtime::shape::Node {
                                            ty: ::core::option::Option::Some(
                                                ::naftiko_runtime::mcp::JsonType::String,
                                            ),
                                            konst: ::core::option::Option::None,
                                            kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                path: 2usize,
                                                singular: true,
                                            }),
                                        },
                                    ),
                                ],
                            },
                        },
                    ),
                },
            },
            &["$.data", "$.imo_number", "$.vessel_name"],
        );
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams
                    .registry
                    .list_ships(
                        &super::registry::ListShipsParams {
                            status,
                        },
                    )
                    .await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `GET /ships/{imo}`: One ship, nested
    async fn get_ship(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let imo: ::std::string::String = input.path("imo")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
            ::naftiko_runtime::shape::Node {
                ty: ::core::option::Option::Some(
                    ::naftiko_runtime::mcp::JsonType::Object,
                ),
                konst: ::core::option::Option::None,
                kind: ::naftiko_runtime::shape::Kind::Object {
                    from: ::core::option::Option::None,
                    properties: &[
                        (
                            "imo",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::String,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                    path: 0usize,
                                    singular: true,
                                }),
                            },
                        ),
                        (
                            "kind",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::String,
                                ),
                                konst: ::core::option::Option::Some("\"ship\""),
                                kind: ::naftiko_runtime::shape::Kind::Value(
                                    &[::naftiko_runtime::shape::Part::Lit("ship")],
                                ),
                            },
                        ),
                        (
                            "specs",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::Object,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Object {
                                    from: ::core::option::Option::None,
                                    properties: &[
                                        (
                                            "tonnage",
                                            ::naftiko_runtime::shape::Node {
                                                ty: ::core::option::Option::Some(
                                                    ::naftiko_runtime::mcp::JsonType::Number,
                                                ),
                                                konst: ::core::option::Option::None,
                                                kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                    path: 1usize,
                                                    singular: true,
                                                }),
                                            },
                                        ),
                                        (
                                            "length",
                                            ::naftiko_runtime::shape::Node {
                                                ty: ::core::option::Option::Some(
                                                    ::naftiko_runtime::mcp::JsonType::Number,
                                                ),
                                                konst: ::core::option::Option::None,
                                                kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                    path: 2usize,
                                                    singular: true,
                                                }),
                                            },
                                        ),
                                    ],
                                },
                            },
                        ),
                    ],
                },
            },
            &["$.imo_number", "$.gross_tonnage", "$.dimensions.length_overall"],
        );
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.registry.get_ship(&imo).await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `GET /ships/{imo}/summary`: Several named outputs
    async fn ship_summary(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let imo: ::std::string::String = input.path("imo")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
            ::naftiko_runtime::shape::Node {
                ty: ::core::option::Option::Some(
                    ::naftiko_runtime::mcp::JsonType::Object,
                ),
                konst: ::core::option::Option::None,
                kind: ::naftiko_runtime::shape::Kind::Object {
                    from: ::core::option::Option::None,
                    properties: &[
                        (
                            "name",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::String,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                    path: 0usize,
                                    singular: true,
                                }),
                            },
                        ),
                        (
                            "builtIn",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::Integer,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                    path: 1usize,
                                    singular: true,
                                }),
                            },
                        ),
                        (
                            "ports",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::Array,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Array {
                                    from: ::core::option::Option::Some(::naftiko_runtime::shape::Query {
                                        path: 2usize,
                                        singular: false,
                                    }),
                                    items: ::core::option::Option::None,
                                },
                            },
                        ),
                    ],
                },
            },
            &["$.vessel_name", "$.year_built", "$.port_calls[*].port"],
        );
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.registry.get_ship(&imo).await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `GET /hello/{name}`: Mock mode, no upstream
    async fn hello(
        ::naftiko_runtime::axum::extract::State(
            _,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let name: ::std::string::String = input.path("name")?;
        let times: ::core::option::Option<::std::string::String> = input.query("times")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
            ::naftiko_runtime::shape::Node {
                ty: ::core::option::Option::Some(
                    ::naftiko_runtime::mcp::JsonType::Object,
                ),
                konst: ::core::option::Option::None,
                kind: ::naftiko_runtime::shape::Kind::Object {
                    from: ::core::option::Option::None,
                    properties: &[
                        (
                            "greeting",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::String,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Value(
                                    &[
                                        ::naftiko_runtime::shape::Part::Lit("Hello, "),
                                        ::naftiko_runtime::shape::Part::Input(0usize),
                                        ::naftiko_runtime::shape::Part::Lit("!"),
                                    ],
                                ),
                            },
                        ),
                        (
                            "times",
                            ::naftiko_runtime::shape::Node {
                                ty: ::core::option::Option::Some(
                                    ::naftiko_runtime::mcp::JsonType::Integer,
                                ),
                                konst: ::core::option::Option::None,
                                kind: ::naftiko_runtime::shape::Kind::Value(
                                    &[::naftiko_runtime::shape::Part::Input(1usize)],
                                ),
                            },
                        ),
                    ],
                },
            },
            &[],
        );
        let texts: [::core::option::Option<::std::string::String>; 2usize] = [
            ::naftiko_runtime::shape::Text::text(&name),
            ::naftiko_runtime::shape::Text::text(&times),
        ];
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond_mock(&OUTPUT, &texts),
        )
    }
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct ListShipsOutputItem {
        /// IMO number
        pub imo: ::core::option::Option<::std::string::String>,
        pub name: ::core::option::Option<::std::string::String>,
    }
    /// What `GET /ships` answers on success, as its `outputParameters` declare.
    pub type ListShipsOutput = ::core::option::Option<
        ::std::vec::Vec<ListShipsOutputItem>,
    >;
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct GetShipOutputSpecs {
        pub tonnage: ::core::option::Option<f64>,
        pub length: ::core::option::Option<f64>,
    }
    /// What `GET /ships/{imo}` answers on success, as its `outputParameters` declare.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct GetShipOutput {
        pub imo: ::core::option::Option<::std::string::String>,
        pub kind: ::std::string::String,
        pub specs: GetShipOutputSpecs,
    }
    /// What `GET /ships/{imo}/summary` answers on success, as its `outputParameters` declare.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct ShipSummaryOutput {
        pub name: ::core::option::Option<::std::string::String>,
        /// `builtIn` in the JSON.
        #[serde(rename = "builtIn")]
        pub built_in: ::core::option::Option<i64>,
        pub ports: ::std::vec::Vec<::naftiko_runtime::serde_json::Value>,
    }
    /// What `GET /hello/{name}` answers on success, as its `outputParameters` declare.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct HelloOutput {
        pub greeting: ::std::string::String,
        pub times: ::core::option::Option<i64>,
    }
}
/// MCP adapter `shapes-mcp`: 3 tools.
pub mod shapes_mcp {
    /// The address the spec gives this adapter (`None` for the stdio transport).
    pub const ADDRESS: ::core::option::Option<&str> = ::core::option::Option::Some(
        "127.0.0.1:9091",
    );
    /// Whether the spec asks for the stdio transport.
    pub const STDIO: bool = false;
    /// The tools, their annotations and arguments, as the spec declares them.
    pub static INFO: ::naftiko_runtime::mcp::ServerDef = ::naftiko_runtime::mcp::ServerDef {
        name: "shapes-mcp",
        title: "Shapes",
        version: ::core::env!("CARGO_PKG_VERSION"),
        instructions: ::core::option::Option::Some(
            "Every output shape, on REST and MCP (tests/tests/shapes.rs).",
        ),
        tools: &[
            ::naftiko_runtime::mcp::ToolDef {
                name: "list-ships",
                title: ::core::option::Option::None,
                description: "Ships as an array of shaped objects",
                read_only: ::core::option::Option::None,
                destructive: ::core::option::Option::None,
                idempotent: ::core::option::Option::None,
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "status",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: false,
                        description: ::core::option::Option::None,
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::Some(
                    "{\"properties\":{\"result\":{\"items\":{\"properties\":{\"imo\":{\"type\":[\"string\",\"null\"]},\"name\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"imo\",\"name\"],\"type\":\"object\"},\"type\":[\"array\",\"null\"]}},\"required\":[\"result\"],\"type\":\"object\"}",
                ),
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "get-ship",
                title: ::core::option::Option::None,
                description: "One ship, nested",
                read_only: ::core::option::Option::None,
                destructive: ::core::option::Option::None,
                idempotent: ::core::option::Option::None,
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "imo",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::None,
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::Some(
                    "{\"properties\":{\"imo\":{\"type\":[\"string\",\"null\"]},\"specs\":{\"properties\":{\"tonnage\":{\"type\":[\"number\",\"null\"]}},\"required\":[\"tonnage\"],\"type\":\"object\"}},\"required\":[\"imo\",\"specs\"],\"type\":\"object\"}",
                ),
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "hello",
                title: ::core::option::Option::None,
                description: "Mock mode, no upstream",
                read_only: ::core::option::Option::None,
                destructive: ::core::option::Option::None,
                idempotent: ::core::option::Option::None,
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "name",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::None,
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::Some(
                    "{\"properties\":{\"greeting\":{\"type\":\"string\"}},\"required\":[\"greeting\"],\"type\":\"object\"}",
                ),
            },
        ],
        ttl_ms: ::core::option::Option::None,
        cache_public: ::core::option::Option::None,
    };
    /// The MCP server of this adapter, calling `upstreams`.
    pub fn server(upstreams: super::Upstreams) -> ::naftiko_runtime::mcp::Server {
        ::naftiko_runtime::mcp::Server::new(
            &INFO,
            move |tool, args| {
                let upstreams = upstreams.clone();
                ::std::boxed::Box::pin(async move { call(&upstreams, tool, args).await })
            },
        )
    }
    async fn call(
        upstreams: &super::Upstreams,
        tool: usize,
        mut args: ::naftiko_runtime::mcp::Args,
    ) -> ::core::result::Result<
        ::naftiko_runtime::mcp::Outcome,
        ::naftiko_runtime::mcp::ArgError,
    > {
        match tool {
            0usize => {
                let status: ::core::option::Option<::std::string::String> = args
                    .get("status")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
                    ::naftiko_runtime::shape::Node {
                        ty: ::core::option::Option::Some(
                            ::naftiko_runtime::mcp::JsonType::Array,
                        ),
                        konst: ::core::option::Option::None,
                        kind: ::naftiko_runtime::shape::Kind::Array {
                            from: ::core::option::Option::Some(::naftiko_runtime::shape::Query {
                                path: 0usize,
                                singular: true,
                            }),
                            items: ::core::option::Option::Some(
                                &::naftiko_runtime::shape::Node {
                                    ty: ::core::option::Option::Some(
                                        ::naftiko_runtime::mcp::JsonType::Object,
                                    ),
                                    konst: ::core::option::Option::None,
                                    kind: ::naftiko_runtime::shape::Kind::Object {
                                        from: ::core::option::Option::None,
                                        properties: &[
                                            (
                                                "imo",
                                                ::naftiko_runtime::shape::Node {
                                                    ty: ::core::option::Option::Some(
                                                        ::naftiko_runtime::mcp::JsonType::String,
                                                    ),
                                                    konst: ::core::option::Option::None,
                                                    kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                        path: 1usize,
                                                        singular: true,
                                                    }),
                                                },
                                            ),
                                            (
                                                "name",
                                                ::naftiko_runtime::shape::Node {
                                                    ty: ::core::option::Option::Some(
                                                        ::naftiko_runtime::mcp::JsonType::String,
                                                    ),
                                                    konst: ::core::option::Option::None,
                                                    kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                        path: 2usize,
                                                        singular: true,
                                                    }),
                                                },
                                            ),
                                        ],
                                    },
                                },
                            ),
                        },
                    },
                    &["$.data", "$.imo_number", "$.vessel_name"],
                );
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams
                            .registry
                            .list_ships(
                                &super::registry::ListShipsParams {
                                    status,
                                },
                            )
                            .await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            1usize => {
                let imo: ::std::string::String = args.required("imo")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
                    ::naftiko_runtime::shape::Node {
                        ty: ::core::option::Option::Some(
                            ::naftiko_runtime::mcp::JsonType::Object,
                        ),
                        konst: ::core::option::Option::None,
                        kind: ::naftiko_runtime::shape::Kind::Object {
                            from: ::core::option::Option::None,
                            properties: &[
                                (
                                    "imo",
                                    ::naftiko_runtime::shape::Node {
                                        ty: ::core::option::Option::Some(
                                            ::naftiko_runtime::mcp::JsonType::String,
                                        ),
                                        konst: ::core::option::Option::None,
                                        kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                            path: 0usize,
                                            singular: true,
                                        }),
                                    },
                                ),
                                (
                                    "specs",
                                    ::naftiko_runtime::shape::Node {
                                        ty: ::core::option::Option::Some(
                                            ::naftiko_runtime::mcp::JsonType::Object,
                                        ),
                                        konst: ::core::option::Option::None,
                                        kind: ::naftiko_runtime::shape::Kind::Object {
                                            from: ::core::option::Option::None,
                                            properties: &[
                                                (
                                                    "tonnage",
                                                    ::naftiko_runtime::shape::Node {
                                                        ty: ::core::option::Option::Some(
                                                            ::naftiko_runtime::mcp::JsonType::Number,
                                                        ),
                                                        konst: ::core::option::Option::None,
                                                        kind: ::naftiko_runtime::shape::Kind::Select(::naftiko_runtime::shape::Query {
                                                            path: 1usize,
                                                            singular: true,
                                                        }),
                                                    },
                                                ),
                                            ],
                                        },
                                    },
                                ),
                            ],
                        },
                    },
                    &["$.imo_number", "$.gross_tonnage"],
                );
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams.registry.get_ship(&imo).await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            2usize => {
                let name: ::std::string::String = args.required("name")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::new(
                    ::naftiko_runtime::shape::Node {
                        ty: ::core::option::Option::Some(
                            ::naftiko_runtime::mcp::JsonType::Object,
                        ),
                        konst: ::core::option::Option::None,
                        kind: ::naftiko_runtime::shape::Kind::Object {
                            from: ::core::option::Option::None,
                            properties: &[
                                (
                                    "greeting",
                                    ::naftiko_runtime::shape::Node {
                                        ty: ::core::option::Option::Some(
                                            ::naftiko_runtime::mcp::JsonType::String,
                                        ),
                                        konst: ::core::option::Option::None,
                                        kind: ::naftiko_runtime::shape::Kind::Value(
                                            &[
                                                ::naftiko_runtime::shape::Part::Lit("Hello, "),
                                                ::naftiko_runtime::shape::Part::Input(0usize),
                                                ::naftiko_runtime::shape::Part::Lit("!"),
                                            ],
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                    &[],
                );
                let texts: [::core::option::Option<::std::string::String>; 1usize] = [
                    ::naftiko_runtime::shape::Text::text(&name),
                ];
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::mock(&OUTPUT, &texts),
                )
            }
            _ => ::core::result::Result::Err(args.unknown_tool()),
        }
    }
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct ListShipsOutputItem {
        pub imo: ::core::option::Option<::std::string::String>,
        pub name: ::core::option::Option<::std::string::String>,
    }
    /// The result of tool `list-ships`, as its `outputParameters` declare (its `structuredContent`, under `result` when it is not an object).
    pub type ListShipsOutput = ::core::option::Option<
        ::std::vec::Vec<ListShipsOutputItem>,
    >;
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct GetShipOutputSpecs {
        pub tonnage: ::core::option::Option<f64>,
    }
    /// The result of tool `get-ship`, as its `outputParameters` declare (its `structuredContent`, under `result` when it is not an object).
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct GetShipOutput {
        pub imo: ::core::option::Option<::std::string::String>,
        pub specs: GetShipOutputSpecs,
    }
    /// The result of tool `hello`, as its `outputParameters` declare (its `structuredContent`, under `result` when it is not an object).
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::naftiko_runtime::serde::Serialize,
        ::naftiko_runtime::serde::Deserialize
    )]
    #[serde(crate = "::naftiko_runtime::serde")]
    pub struct HelloOutput {
        pub greeting: ::std::string::String,
    }
}
